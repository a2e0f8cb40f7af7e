#!/usr/bin/python3
"""Devices as fleets run them, with paho-mqtt 1.6.1 (the notebook's client), for EmbeddedBrokerDevicesIT.

  device_clients.py short-lived HOST PORT QOS N TOPIC
      N clients one after the other, each with its own client id: connect, publish one message
      (payload: its number), wait until it is sent (QoS 0) or acknowledged (QoS 1/2), disconnect.
  device_clients.py mqtt5 HOST PORT PREFIX N
      MQTT 5: two subscribers share '$share/g/PREFIX/#'; a third client publishes N messages to
      PREFIX/t with the user property ('line', '7'). Prints one line per subscriber:
      'member NAME: <payloads, comma separated>' and 'user-property OK' when every delivered message
      carried the property.
Exits 1 with a message on stderr when a step fails.
"""
import os
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

TIMEOUT = 20.0


def fail(message):
    print("FAILED: " + message, file=sys.stderr, flush=True)
    os._exit(1)


def connected_client(client_id, host, port, protocol):
    if protocol == mqtt.MQTTv5:
        client = mqtt.Client(client_id=client_id, protocol=protocol)
    else:
        client = mqtt.Client(client_id=client_id, clean_session=True, protocol=protocol)
    done = threading.Event()
    result = {}

    def on_connect(c, userdata, flags, rc, properties=None):
        result["rc"] = rc
        done.set()

    client.on_connect = on_connect
    if protocol == mqtt.MQTTv5:
        client.connect(host, port=port, keepalive=60, clean_start=True)
    else:
        client.connect(host, port=port, keepalive=60)
    client.loop_start()
    if not done.wait(TIMEOUT):
        fail("%s: no CONNACK within %.0f s" % (client_id, TIMEOUT))
    if result["rc"] != 0:
        fail("%s: connection refused: %s" % (client_id, result["rc"]))
    return client


def short_lived(host, port, qos, count, topic):
    for i in range(count):
        client = connected_client("short-%d-%d-q%d" % (os.getpid(), i, qos), host, port, mqtt.MQTTv311)
        info = client.publish(topic, payload=str(i), qos=qos)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            fail("message %d at QoS %d was not sent within %.0f s" % (i, qos, TIMEOUT))
        client.disconnect()
        client.loop_stop()
    print("published %d" % count, flush=True)


def mqtt5(host, port, prefix, count):
    received = {"a": [], "b": []}
    with_property = {"a": 0, "b": 0}
    lock = threading.Lock()
    members = []
    for name in ("a", "b"):
        client = connected_client("share-%s-%d" % (name, os.getpid()), host, port, mqtt.MQTTv5)

        def on_message(c, userdata, msg, name=name):
            properties = getattr(msg.properties, "UserProperty", []) or []
            with lock:
                received[name].append(msg.payload.decode())
                if ("line", "7") in properties:
                    with_property[name] += 1

        client.on_message = on_message
        subscribed = threading.Event()
        client.on_subscribe = lambda c, u, mid, codes, props, ev=subscribed: ev.set()
        client.subscribe("$share/g/%s/#" % prefix, qos=1)
        if not subscribed.wait(TIMEOUT):
            fail("member %s: no SUBACK within %.0f s" % (name, TIMEOUT))
        members.append(client)

    publisher = connected_client("share-pub-%d" % os.getpid(), host, port, mqtt.MQTTv5)
    properties = Properties(PacketTypes.PUBLISH)
    properties.UserProperty = ("line", "7")
    for i in range(count):
        info = publisher.publish(prefix + "/t", payload=str(i), qos=1, properties=properties)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            fail("message %d was not acknowledged within %.0f s" % (i, TIMEOUT))
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with lock:
            if len(received["a"]) + len(received["b"]) >= count:
                break
        time.sleep(0.05)
    time.sleep(0.5)  # a duplicate, if any, would arrive now
    with lock:
        for name in ("a", "b"):
            print("member %s: %s" % (name, ",".join(received[name])), flush=True)
        if with_property["a"] + with_property["b"] == len(received["a"]) + len(received["b"]):
            print("user-property OK", flush=True)
    for client in members + [publisher]:
        client.disconnect()
        client.loop_stop()


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "short-lived":
        short_lived(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif len(sys.argv) == 6 and sys.argv[1] == "mqtt5":
        mqtt5(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    else:
        fail(__doc__)
