#!/usr/bin/python3
"""The paho reference processor for bench/run.sh: the job of bench/c/avg.c on paho-mqtt 1.6.1.

For every cell X: once X/temperature1 and X/temperature2 both have a number, every update of either
publishes their mean (repr of a float, e.g. 12345.5) to X/avgtemperature, not retained, at QOS.
Retained and non-numeric inputs are ignored. Prints "ready" once the broker has granted both
subscriptions (SUBACK); runs until SIGTERM or SIGINT, then disconnects and exits 0.

Usage: /usr/bin/python3 bench/references/avg_paho.py HOST PORT QOS
(Debian's python3-paho-mqtt, i.e. /usr/bin/python3, not a python without paho.)
"""
import signal
import socket
import sys

import paho.mqtt.client as mqtt


class Stop(BaseException):
    """Raised by the signal handler; a BaseException, so no `except Exception` inside paho eats it."""


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("0", "1", "2"):
        sys.exit("usage: avg_paho.py HOST PORT QOS")
    host, port, qos = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cells = {}  # cell name -> [temperature1, temperature2], None until known
    state = {"mid": None, "ready": False}

    def on_socket_open(client, userdata, sock):
        # Called before CONNECT is sent: no Nagle delay on the averages (as the C reference).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def on_connect(client, userdata, flags, rc):
        if rc:
            print("connect refused: " + mqtt.connack_string(rc), file=sys.stderr)
            return
        # One SUBSCRIBE with both filters (clean session: again after any reconnect).
        state["mid"] = client.subscribe([("+/temperature1", qos), ("+/temperature2", qos)])[1]

    def on_subscribe(client, userdata, mid, granted_qos):
        if mid != state["mid"]:
            return
        if any(g not in (0, 1, 2) for g in granted_qos):  # 0x80: the broker refused a filter
            print("subscription refused: %r" % (granted_qos,), file=sys.stderr)
        elif not state["ready"]:  # once, not again after a reconnect
            state["ready"] = True
            print("ready", flush=True)

    def on_message(client, userdata, msg):
        if msg.retain:
            return
        try:
            value = float(msg.payload)
        except ValueError:
            return
        cell, _, leaf = msg.topic.partition("/")
        pair = cells.get(cell)
        if pair is None:
            pair = cells[cell] = [None, None]
        pair[leaf == "temperature2"] = value
        if pair[0] is not None and pair[1] is not None:
            client.publish(cell + "/avgtemperature", repr((pair[0] + pair[1]) / 2), qos)

    def stop(signum, frame):
        raise Stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    client = mqtt.Client(clean_session=True, protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(1000)  # outgoing QoS 1 window, as the broker's
    client.max_queued_messages_set(0)  # no limit on the queue behind that window
    client.on_socket_open = on_socket_open
    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    try:
        client.connect(host, port, keepalive=60)
        client.loop_forever()
    except Stop:
        client.disconnect()  # all of paho's locks were released while Stop unwound
        sys.exit(0)
    except OSError as e:
        sys.exit("cannot connect: %s" % e)
    sys.exit("connection ended")


if __name__ == "__main__":
    main()
