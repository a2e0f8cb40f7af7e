package io.cellhub.topic;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

class NumberReadingProducer {

    @Produces
    @Singleton
    NumberReading numberReading(TopicsConfig config) {
        return config.numberField().map(NumberReading::preferringField).orElse(NumberReading.DEFAULT);
    }
}
