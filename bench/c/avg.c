/* The two-hop reference: the leanest average processor, on Debian's libmosquitto.
 * For every cell X: once X/temperature1 and X/temperature2 both have a number, every update of
 * either publishes their mean to X/avgtemperature (not retained, same QoS as the inputs).
 * With "all", it subscribes to '#' instead of the two inputs and skips every other topic, its own
 * averages among them, as CellHub's default ingest does: the same job with the broker's extra send.
 * Usage: avg HOST PORT QOS [all].  Build: gcc -O2 -o avg avg.c -lmosquitto */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELLS 65536
struct cell { char name[64]; double v[2]; int have[2]; int used; };
static struct cell table[CELLS];
static int qos, all;

static struct cell *lookup(const char *name, size_t len) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char) name[i]) * 16777619u;
    for (unsigned i = 0; i < CELLS; i++) {
        struct cell *c = &table[(h + i) % CELLS];
        if (!c->used) { memcpy(c->name, name, len); c->name[len] = 0; c->used = 1; return c; }
        if (strlen(c->name) == len && memcmp(c->name, name, len) == 0) return c;
    }
    return NULL;
}

static void on_connect(struct mosquitto *m, void *u, int rc) {
    (void) u;
    if (rc) { fprintf(stderr, "connect failed: %d\n", rc); exit(1); }
    if (all) {
        mosquitto_subscribe(m, NULL, "#", qos);
    } else {
        mosquitto_subscribe(m, NULL, "+/temperature1", qos);
        mosquitto_subscribe(m, NULL, "+/temperature2", qos);
    }
}

static int subacks;
static void on_subscribe(struct mosquitto *m, void *u, int mid, int n, const int *granted) {
    (void) m; (void) u; (void) mid; (void) n; (void) granted;
    if (++subacks == (all ? 1 : 2)) printf("ready\n");
}

static void on_message(struct mosquitto *m, void *u, const struct mosquitto_message *msg) {
    (void) u;
    if (msg->retain || msg->payloadlen <= 0 || msg->payloadlen > 63) return;
    const char *slash = strchr(msg->topic, '/');
    if (!slash || slash - msg->topic > 63) return;
    if (all && strcmp(slash, "/temperature1") != 0 && strcmp(slash, "/temperature2") != 0) return;
    int input = slash[12] == '1' ? 0 : 1; /* "/temperature" is 12 characters */
    char buf[64];
    memcpy(buf, msg->payload, msg->payloadlen);
    buf[msg->payloadlen] = 0;
    char *end;
    double v = strtod(buf, &end);
    if (end == buf) return;
    struct cell *c = lookup(msg->topic, slash - msg->topic);
    if (!c) return;
    c->v[input] = v;
    c->have[input] = 1;
    if (c->have[0] && c->have[1]) {
        char topic[96], out[64];
        snprintf(topic, sizeof topic, "%s/avgtemperature", c->name);
        int len = snprintf(out, sizeof out, "%.17g", (c->v[0] + c->v[1]) / 2);
        mosquitto_publish(m, NULL, topic, len, out, qos, false);
    }
}

int main(int argc, char **argv) {
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "all") == 0)) {
        fprintf(stderr, "usage: %s HOST PORT QOS [all]\n", argv[0]);
        return 2;
    }
    qos = atoi(argv[3]);
    all = argc == 5;
    setvbuf(stdout, NULL, _IOLBF, 0);
    mosquitto_lib_init();
    struct mosquitto *m = mosquitto_new(NULL, true, NULL);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_max_inflight_messages_set(m, 1000);
    mosquitto_connect_callback_set(m, on_connect);
    mosquitto_message_callback_set(m, on_message);
    mosquitto_subscribe_callback_set(m, on_subscribe);
    if (mosquitto_connect(m, argv[1], atoi(argv[2]), 60)) { fprintf(stderr, "cannot connect\n"); return 1; }
    return mosquitto_loop_forever(m, -1, 1);
}
