package io.cellhub.broker;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.Config;

class BrokerAddressProducer {

    @Produces
    @Singleton
    BrokerAddress brokerAddress(Config config) {
        return BrokerAddress.from(config);
    }
}
