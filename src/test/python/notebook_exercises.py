#!/usr/bin/env python3
"""The two in-class exercises of "MQTT in a Nutshell", done the way the students do them.

Usage: notebook_exercises.py HOST PORT

Uses paho-mqtt 1.6.1 (Debian: python3-paho-mqtt) with the notebook's client style:
mqtt.Client(client_id=..., clean_session=True, userdata=..., protocol=mqtt.MQTTv311,
transport="tcp"), connect(..., keepalive=60*4), loop_start(), publish(topic, payload, qos, retain).
CellHub plays the students' "average" and "cylinders" clients.

Prints every average it receives as "avg <payload>", the settled cylinder states as
"cylinders <c1> <c2> <c3>", and finally "notebook exercises passed". Exits non-zero with a
message as soon as an expected value does not arrive within TIMEOUT seconds.
"""

import json  # for json
import os
import queue
import random  # random
import sys
import threading
import time  # for sleep
import traceback

import paho.mqtt.client as mqtt  # basic mqtt utilities

TIMEOUT = 5.0  # seconds to wait for any expected value
QUIET = 0.5  # seconds without messages after which the cylinders count as settled

CYLINDERS = ["systemcomponent1/cylinderOn", "systemcomponent2/cylinderOn", "systemcomponent3/cylinderOn"]

print_lock = threading.Lock()


def say(line):
    with print_lock:
        print(line, flush=True)


def fail(message):
    with print_lock:
        print("FAILED: " + message, file=sys.stderr, flush=True)
    # os._exit: paho's network threads must not keep the process alive
    os._exit(1)


class Student:
    """One notebook client: connected, looping in its own thread, its messages in a queue."""

    def __init__(self, name, host, port):
        self.name = name
        # unique client ids, like the notebook's "myClient-" + random number, plus the pid
        client_id = "myClient-%s-%d-%d" % (name, os.getpid(), random.randint(1, 1_000_000))
        self.client = mqtt.Client(client_id=client_id, clean_session=True, userdata=name,
                                  protocol=mqtt.MQTTv311, transport="tcp")
        self.messages = queue.Queue()
        self.connected = threading.Event()
        self.connect_rc = None
        # topic -> qos; renewed on every (re)connect, as paho's documentation advises
        self.subscriptions = {}
        self.pending = {}  # SUBSCRIBE message id -> topic
        self.acked = set()  # topics with a SUBACK
        self.acks = threading.Condition()
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        try:
            self.client.connect(host, port=port, keepalive=60 * 4)
        except OSError as e:
            fail("%s could not connect to %s:%d: %s" % (name, host, port, e))
        self.client.loop_start()
        if not self.connected.wait(TIMEOUT):
            fail("%s got no CONNACK from %s:%d within %.0f s" % (name, host, port, TIMEOUT))
        if self.connect_rc != 0:
            fail("%s: broker refused the connection: %s" % (name, mqtt.connack_string(self.connect_rc)))

    def _on_connect(self, client, userdata, flags, rc):
        self.connect_rc = rc
        if rc == 0:
            with self.acks:
                for topic, qos in self.subscriptions.items():
                    self._send_subscribe(topic, qos)
        self.connected.set()

    def _send_subscribe(self, topic, qos):
        rc, mid = self.client.subscribe(topic, qos=qos)
        if rc == mqtt.MQTT_ERR_SUCCESS:
            self.pending[mid] = topic
        return rc

    def _on_subscribe(self, client, userdata, mid, granted_qos):
        with self.acks:
            topic = self.pending.pop(mid, None)
            if topic is not None:
                self.acked.add(topic)
            self.acks.notify_all()

    def _on_message(self, client, userdata, msg):
        self.messages.put((msg.topic, msg.payload.decode("utf-8", "replace"), msg.qos, msg.retain))

    def subscribe(self, topic, qos=0):
        """Subscribes and waits for the SUBACK. The subscription is sent again after a reconnect, as
        paho's documentation advises: a device whose connection drops gets its subscriptions back
        when paho reconnects by itself."""
        with self.acks:
            self.subscriptions[topic] = qos
            rc = self._send_subscribe(topic, qos)
        if rc != mqtt.MQTT_ERR_SUCCESS and rc != mqtt.MQTT_ERR_NO_CONN:
            fail("%s could not subscribe to %s: %s" % (self.name, topic, mqtt.error_string(rc)))
        with self.acks:
            acked = self.acks.wait_for(lambda: topic in self.acked, TIMEOUT)
        if not acked:
            fail("%s got no SUBACK for %s within %.0f s" % (self.name, topic, TIMEOUT))

    def publish(self, topic, payload, qos=0, retain=False):
        info = self.client.publish(topic, payload=payload, qos=qos, retain=retain)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            fail("%s could not publish %s=%s: %s" % (self.name, topic, payload, mqtt.error_string(info.rc)))
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            fail("%s: publishing %s=%s was not completed within %.0f s" % (self.name, topic, payload, TIMEOUT))

    def next_message(self, deadline):
        """The next message before the monotonic deadline, or None."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            return self.messages.get(timeout=remaining)
        except queue.Empty:
            return None

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def as_number(payload):
    try:
        return float(payload)
    except ValueError:
        return None


def expect_average(watcher, topic, expected, seen):
    """Waits for `expected` on `topic`; prints every average that arrives meanwhile."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        message = watcher.next_message(deadline)
        if message is None:
            fail("expected %s=%s within %.0f s, got %s" % (topic, expected, TIMEOUT, seen or "nothing"))
        got_topic, payload, _qos, _retain = message
        say("avg " + payload)
        seen.append(payload)
        if got_topic == topic and as_number(payload) == expected:
            return


def average_exercise(host, port):
    # client that watches the average CellHub publishes
    watcher = Student("avg-watcher", host, port)
    watcher.subscribe("robotcell1/avgtemperature", qos=0)
    # client that simply creates the structure in the broker by publishing to those topics
    student = Student("avg-student", host, port)

    seen = []
    student.publish("robotcell1/temperature1", payload=21, qos=0, retain=True)
    student.publish("robotcell1/temperature2", payload=26, qos=0, retain=True)
    expect_average(watcher, "robotcell1/avgtemperature", 23.5, seen)

    student.publish("robotcell1/temperature1", payload=31, qos=0, retain=True)
    expect_average(watcher, "robotcell1/avgtemperature", 28.5, seen)

    # a second cell, its first temperature as JSON, serialized like the notebook does
    watcher.client.unsubscribe("robotcell1/avgtemperature")
    watcher.subscribe("robotcell2/avgtemperature", qos=0)
    payload = {
        "temperatur": 10,
        "type": "robot front"
    }
    json_object = json.dumps(payload, indent=4)
    student.publish("robotcell2/temperature1", payload=json_object, qos=0, retain=True)
    student.publish("robotcell2/temperature2", payload=20, qos=0, retain=True)
    expect_average(watcher, "robotcell2/avgtemperature", 15.0, [])

    student.close()
    watcher.close()


def cylinder_exercise(host, port):
    watcher = Student("cylinder-watcher", host, port)
    # "systemcomponent+/cylinderOn" is no valid filter ("+" must be a whole level); paho refuses it
    watcher.subscribe("+/cylinderOn", qos=1)
    states = {}

    # the start topics: CellHub has published False for each one the broker had no value for
    deadline = time.monotonic() + TIMEOUT
    while any(topic not in states for topic in CYLINDERS):
        message = watcher.next_message(deadline)
        if message is None:
            fail("expected retained start values for %s within %.0f s, got %s" % (CYLINDERS, TIMEOUT, states))
        if message[0] in CYLINDERS:
            states[message[0]] = message[1]

    operator = Student("cylinder-operator", host, port)
    for run in (1, 2):
        # "In order to test the setup, simply publish True to systemcomponent1/cylinderOn"
        operator.publish("systemcomponent1/cylinderOn", payload="True", qos=1, retain=True)
        history = []
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = watcher.next_message(min(deadline, time.monotonic() + QUIET))
            if message is not None:
                topic, payload = message[0], message[1]
                if topic not in CYLINDERS:
                    continue
                states[topic] = payload
                history.append("%s=%s" % (topic.split("/")[0], payload))
                continue
            # QUIET seconds without a message: settled if the whole chain went round once
            if chain_went_round(history) and current(states) == "False True True":
                break
            if time.monotonic() >= deadline:
                fail("run %d: cylinders did not settle at False True True within %.0f s; states %s, messages %s"
                     % (run, TIMEOUT, current(states), history))
        say("cylinders " + current(states))

    operator.close()
    watcher.close()


def chain_went_round(history):
    """True on c1 echoed, then c2=True, c3=True and finally c1=False, in that order."""
    steps = ["systemcomponent1=True", "systemcomponent2=True", "systemcomponent3=True", "systemcomponent1=False"]
    position = 0
    for entry in history:
        if position < len(steps) and entry == steps[position]:
            position += 1
    return position == len(steps)


def current(states):
    return " ".join(states.get(topic, "-") for topic in CYLINDERS)


def main():
    if len(sys.argv) != 3:
        print("usage: %s HOST PORT" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    host, port = sys.argv[1], int(sys.argv[2])
    try:
        average_exercise(host, port)
        cylinder_exercise(host, port)
    except Exception:
        fail("unexpected error:\n" + traceback.format_exc())
    say("notebook exercises passed")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
