/* loadgen: the benchmark's load generator and sink in C, on Debian's libmosquitto.
 *
 * A drop-in replacement for the onehop and average scenarios of the Java generator
 * (bench/src/main/java/io/cellhub/bench/Bench.java): the same options, the same job, the same
 * endings and the same single "RESULT key=value ..." line, without a JVM's own jitter in the
 * latencies and with enough headroom to reach the broker's limit one hop.
 *
 * The job: input i (0 <= i < n) is published to cell{base + i % cells}/temperature{1 + (i / cells) % 2}
 * with payload the decimal i. The sink subscribes to +/temperature1 and +/temperature2 (onehop,
 * expects n) or to +/avgtemperature (average, expects n - cells), where the average after input i is
 * i - cells / 2, so i = round(value) + cells / 2 and the topic's cell is checked. Retained messages
 * are ignored; a message that maps to no expected input is a stray, a second copy a dup. Latency:
 * CLOCK_MONOTONIC from just before mosquitto_publish() to the sink's on_message callback.
 * generator_cpu_ms_per_1k is this process's CPU time (both connections) per 1,000 inputs.
 *
 *   Build: gcc -O2 -o loadgen loadgen.c -lmosquitto -lpthread      (apt-get install -y libmosquitto-dev)
 *   Run:   ./loadgen --port 1883 --label onehop-q0 --scenario onehop --qos 0 --n 100000 --rate 0 \
 *                    --cells 100 --base 1000 --quiet 10 --timeout 55
 *
 * Options (defaults as Bench.java): --host 127.0.0.1 --port 1883 --label <scenario>
 * --scenario average (onehop|average) --qos 0 --n 10000 --rate 0 (msg/s, 0 = as fast as possible)
 * --cells 100 (even) --base 0 --quiet 5 (s) --timeout 55 (s) --window 1000 (QoS > 0: most PUBLISHes
 * unacknowledged), --devices 0 (K > 0: the inputs come from short-lived device connections, K at a time,
 * instead of one connection; see "short-lived devices" below) --per-connection 2 (inputs per device
 * connection). The run ends when everything arrived (complete), --quiet seconds after the last
 * publish with nothing new (quiet), or --timeout seconds after the start (timeout). Other --key value
 * pairs are ignored with a warning, as Bench.java ignores them. Exit status 0 after the RESULT line,
 * 1 when the broker cannot be reached or refuses, 2 on bad options.
 *
 * Threads: the sink and the generator each drive their connection with their own loop (poll() and
 * mosquitto_loop_read/write/misc, libmosquitto in its non-threaded mode), the main thread watches
 * for the end. Not mosquitto_loop_start(): with a loop thread, every publish (and every PUBACK the
 * sink owes) is queued and the loop thread woken through a socket pair, so each message costs a
 * thread wake-up and extra syscalls, and the wake-up lands in the measured latency. Without it,
 * mosquitto_publish() writes the packet to the socket itself, and the sink reads all that is
 * available per poll() instead of one packet per select() (mosquitto_loop() reads one at QoS 0).
 * Flow control: at QoS 0 nothing is published while libmosquitto still holds an unwritten packet
 * (mosquitto_want_write), so its queue stays short and the generator waits for the socket instead of
 * queueing n messages; at QoS > 0 at most --window PUBLISHes are unacknowledged (PUBACKs counted in
 * on_publish). --rate R publishes message i at start + i/R s (ppoll with 1 ns timer slack); when behind,
 * it catches up at once, within the window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <mosquitto.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL
#define BATCH 256                    /* publishes between two looks at the socket, as Bench.java */
#define IDLE_NS (50 * 1000000LL)     /* longest poll() while there is nothing to do */
#define MISC_NS (100 * 1000000LL)    /* keep-alive bookkeeping interval */
#define CLOSE_NS (5 * NS_PER_S)      /* how long a disconnect may take */

/* --- options ------------------------------------------------------------------------------- */
static const char *host = "127.0.0.1", *label, *scenario = "average";
static int port = 1883, qos = 0, n = 10000, cells = 100, base = 0, rate = 0, window = 1000;
static int devices = 0, per_connection = 2; /* --devices K: short-lived device connections, K at a time */
static double quiet_s = 5, timeout_s = 55;
static bool onehop;
static int expected, first;

/* --- results: sent_at is the generator's, received_at, dups and strays the sink's; the main thread
 * reads them after both threads have ended (sent_at[n - 1] once all_published is seen) ---------- */
static int64_t *sent_at, *received_at;
static int dups, strays, reordered_topic, reordered_cell;
/* onehop: the latest input received per topic and per cell, to count those that came out of order */
static int *last_in_topic, *last_in_cell;
static int published, publish_failures;
static atomic_int distinct;
static atomic_llong last_receipt, start_ns;
static atomic_bool all_published, gen_lost, sink_lost, gen_stop, sink_stop;

/* --- per-connection state, touched only by the thread that drives the connection ----------------- */
struct conn {
    const char *name;
    struct mosquitto *m;
    atomic_bool *stop, *lost;
    int connack;        /* -1 until the CONNACK */
    bool subscribed;
    unsigned events;    /* callbacks so far: tells whether a loop_read call got a whole packet */
    int inflight;       /* generator, QoS > 0: PUBLISHes not yet acknowledged */
    bool device;        /* a short-lived device connection (--devices) */
    bool closed;        /* a device connection: libmosquitto has closed its socket */
};
static struct conn gen = {.name = "generator", .stop = &gen_stop, .lost = &gen_lost, .connack = -1};
static struct conn sink = {.name = "sink", .stop = &sink_stop, .lost = &sink_lost, .connack = -1};

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * NS_PER_S + t.tv_nsec;
}

static void sleep_ns(int64_t ns) {
    struct timespec t = {.tv_sec = ns / NS_PER_S, .tv_nsec = ns % NS_PER_S};
    while (nanosleep(&t, &t) == -1 && errno == EINTR) {
    }
}

static void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int status, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "loadgen: ");
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(status);
}

/* Integer.parseInt: optional sign, decimal digits, int range, nothing else. */
static bool parse_int(const char *s, int *out) {
    const char *p = s;
    bool negative = false;
    if (*p == '+' || *p == '-') negative = *p++ == '-';
    if (*p < '0' || *p > '9') return false;
    long long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + (*p - '0');
        if (v > 2147483648LL) return false;
    }
    if (negative) v = -v;
    if (v > 2147483647LL) return false;
    *out = (int) v;
    return true;
}

/* Double.parseDouble, near enough: surrounding white space allowed, the whole rest a number. */
static bool parse_double(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s) return false;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') end++;
    if (*end) return false;
    *out = v;
    return true;
}

/* --- the sink ------------------------------------------------------------------------------------ */
static void on_message(struct mosquitto *m, void *user, const struct mosquitto_message *msg) {
    int64_t now = now_ns();
    (void) m;
    struct conn *c = user;
    c->events++;
    if (msg->retain) return; /* state from an earlier run, re-sent on subscribe */
    char text[64];
    long long i = -1;
    if (msg->payloadlen > 0 && msg->payloadlen < (int) sizeof text) {
        memcpy(text, msg->payload, (size_t) msg->payloadlen);
        text[msg->payloadlen] = 0;
        if (onehop) {
            int v;
            if (parse_int(text, &v)) i = v;
        } else {
            double v;
            /* Math.round(v) + cells / 2, for every value that can be an input */
            if (parse_double(text, &v) && v > -1e15 && v < 1e15) {
                double r = v + 0.5;
                long long fl = (long long) r;
                if ((double) fl > r) fl--;
                i = fl + cells / 2;
                long long cell = base + ((i % cells) + cells) % cells;
                char topic[64];
                snprintf(topic, sizeof topic, "cell%lld/avgtemperature", cell);
                if (strcmp(msg->topic, topic) != 0) i = -1;
            }
        }
    }
    if (i < first || i >= n) {
        strays++;
        return;
    }
    if (received_at[i] != 0) {
        dups++;
        return;
    }
    received_at[i] = now;
    if (onehop) {
        /* an input older than one already received for its topic (MQTT orders each topic's messages
         * from one client) or for its cell (the average needs both of the cell's topics in order) */
        int topic = (int) (i % (2 * cells)), cell = (int) (i % cells);
        if (i < last_in_topic[topic]) reordered_topic++;
        else last_in_topic[topic] = (int) i;
        if (i < last_in_cell[cell]) reordered_cell++;
        else last_in_cell[cell] = (int) i;
    }
    atomic_store_explicit(&last_receipt, now, memory_order_relaxed);
    atomic_fetch_add_explicit(&distinct, 1, memory_order_relaxed);
}

static void on_subscribe(struct mosquitto *m, void *user, int mid, int count, const int *granted) {
    (void) m;
    (void) mid;
    struct conn *c = user;
    for (int k = 0; k < count; k++) {
        if (granted[k] > 2) fprintf(stderr, "loadgen: sink: the broker refused a subscription\n");
    }
    c->subscribed = true;
}

/* --- callbacks of both connections --------------------------------------------------------------- */
static void on_connect(struct mosquitto *m, void *user, int rc) {
    (void) m;
    ((struct conn *) user)->connack = rc;
}

static atomic_int device_failures; /* device connections refused, failed or closed by the broker */

static void on_disconnect(struct mosquitto *m, void *user, int rc) {
    (void) m;
    struct conn *c = user;
    if (c->device) {
        c->closed = true;
        if (rc != 0 && !atomic_load(c->stop) && atomic_fetch_add(&device_failures, 1) == 0) {
            fprintf(stderr, "loadgen: %s: connection lost: %s\n", c->name, mosquitto_strerror(rc));
        }
        return;
    }
    if (rc != 0 && !atomic_load(c->stop)) {
        fprintf(stderr, "loadgen: %s: connection lost: %s\n", c->name, mosquitto_strerror(rc));
        atomic_store(c->lost, true);
        if (c == &gen) atomic_store_explicit(&all_published, true, memory_order_release);
    }
}

/* QoS 0: the packet went out; QoS 1: its PUBACK arrived (QoS 2: its PUBCOMP). */
static void on_publish(struct mosquitto *m, void *user, int mid) {
    (void) m;
    (void) mid;
    struct conn *c = user;
    c->events++;
    if (qos > 0) c->inflight--;
}

/* --- driving a connection ------------------------------------------------------------------------ */

/* Reads every whole packet the socket holds (each handled through its callback). A call that ends
 * with no callback found nothing more to finish: back to poll(). */
static int read_available(struct conn *c) {
    for (int k = 0; k < 4096; k++) {
        unsigned before = c->events;
        errno = 0;
        int rc = mosquitto_loop_read(c->m, 1);
        if (rc != MOSQ_ERR_SUCCESS) return rc;
        if (c->events == before) break;
    }
    return MOSQ_ERR_SUCCESS;
}

/* One poll() on the connection for up to timeout_ns, then reads, writes and keep-alive as due.
 * Returns false once the connection is gone. */
static bool service(struct conn *c, int64_t timeout_ns, int64_t *next_misc) {
    int sock = mosquitto_socket(c->m);
    if (sock < 0) return false;
    struct pollfd p = {.fd = sock, .events = POLLIN};
    if (mosquitto_want_write(c->m)) p.events |= POLLOUT;
    if (timeout_ns < 0) timeout_ns = 0;
    struct timespec t = {.tv_sec = timeout_ns / NS_PER_S, .tv_nsec = timeout_ns % NS_PER_S};
    if (ppoll(&p, 1, &t, NULL) < 0 && errno != EINTR) return false;
    if ((p.revents & (POLLIN | POLLERR | POLLHUP)) && read_available(c) != MOSQ_ERR_SUCCESS) return false;
    if ((p.revents & POLLOUT) && mosquitto_loop_write(c->m, 1) != MOSQ_ERR_SUCCESS) return false;
    int64_t now = now_ns();
    if (now >= *next_misc) {
        *next_misc = now + MISC_NS;
        if (mosquitto_loop_misc(c->m) != MOSQ_ERR_SUCCESS) return false;
    }
    return mosquitto_socket(c->m) >= 0;
}

/* DISCONNECT, and keep serving the connection (the sink still counts arrivals) until it is closed or
 * CLOSE_NS have passed. */
static void close_connection(struct conn *c) {
    int64_t next_misc = now_ns() + MISC_NS, deadline = now_ns() + CLOSE_NS;
    if (mosquitto_disconnect(c->m) != MOSQ_ERR_SUCCESS) return;
    while (now_ns() < deadline && service(c, 20 * 1000000LL, &next_misc)) {
    }
}

static void *sink_main(void *arg) {
    (void) arg;
    int64_t next_misc = now_ns() + MISC_NS;
    while (!atomic_load(&sink_stop)) {
        if (!service(&sink, IDLE_NS, &next_misc)) {
            if (!atomic_load(&sink_stop) && !atomic_load(&sink_lost)) {
                fprintf(stderr, "loadgen: sink: connection lost\n");
                atomic_store(&sink_lost, true);
            }
            break;
        }
    }
    close_connection(&sink);
    return NULL;
}

static void publish_on(struct conn *c, int i) {
    char topic[64], payload[16];
    snprintf(topic, sizeof topic, "cell%lld/temperature%d", (long long) base + i % cells, 1 + (i / cells) % 2);
    int len = snprintf(payload, sizeof payload, "%d", i);
    if (qos > 0) c->inflight++;
    sent_at[i] = now_ns();
    int rc = mosquitto_publish(c->m, NULL, topic, len, payload, qos, false);
    published++;
    if (rc != MOSQ_ERR_SUCCESS) {
        if (qos > 0) c->inflight--;
        if (publish_failures++ == 0) {
            fprintf(stderr, "loadgen: generator: publish failed: %s\n",
                    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        }
    }
}

static void publish_one(int i) {
    publish_on(&gen, i);
}

/* QoS 0: libmosquitto has written everything so far; QoS > 0: the window has room. */
static bool can_publish(void) {
    return qos == 0 ? !mosquitto_want_write(gen.m) : gen.inflight < window;
}

static void *generator_main(void *arg) {
    (void) arg;
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); /* wake on the schedule, not up to 50 us later */
    int64_t start = now_ns(), next_misc = start + MISC_NS;
    atomic_store(&start_ns, start);
    int next = 0;
    bool done = false;
    while (!atomic_load(&gen_stop)) {
        int64_t timeout = IDLE_NS;
        if (!done) {
            if (rate == 0) {
                for (int k = 0; k < BATCH && next < n && can_publish(); k++) publish_one(next++);
            } else {
                int64_t elapsed = now_ns() - start; /* due = elapsed * rate / 1 s + 1, without overflow */
                int64_t due = elapsed / NS_PER_S * rate + elapsed % NS_PER_S * rate / NS_PER_S + 1;
                if (due > n) due = n;
                while (next < due && can_publish()) publish_one(next++);
            }
            if (next >= n) {
                done = true;
                atomic_store_explicit(&all_published, true, memory_order_release);
            } else if (can_publish()) {
                /* rate 0: look at the socket without waiting; rate R: wait until the next is due */
                timeout = rate == 0 ? 0 : start + ((int64_t) next * NS_PER_S + rate - 1) / rate - now_ns();
                if (timeout > IDLE_NS) timeout = IDLE_NS;
            }
        }
        if (!service(&gen, timeout, &next_misc)) {
            /* the broker closed the connection: nothing more can be published */
            if (!atomic_load(&gen_stop) && !atomic_load(&gen_lost)) {
                fprintf(stderr, "loadgen: generator: connection lost\n");
                atomic_store(&gen_lost, true);
            }
            atomic_store_explicit(&all_published, true, memory_order_release);
            while (!atomic_load(&gen_stop)) sleep_ns(20 * 1000000LL);
            break;
        }
    }
    close_connection(&gen);
    return NULL;
}

/* --- set-up ----------------------------------------------------------------------------------- */
static struct mosquitto *client_with_id(struct conn *c, const char *id) {
    struct mosquitto *m = mosquitto_new(id, true, c);
    if (!m) die(1, "%s: mosquitto_new failed", c->name);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_connect_callback_set(m, on_connect);
    mosquitto_disconnect_callback_set(m, on_disconnect);
    mosquitto_publish_callback_set(m, on_publish);
    mosquitto_message_callback_set(m, on_message);
    mosquitto_subscribe_callback_set(m, on_subscribe);
    c->m = m;
    return m;
}

static struct mosquitto *client(struct conn *c, const char *prefix) {
    char id[64];
    snprintf(id, sizeof id, "%s-%ld", prefix, (long) getpid());
    return client_with_id(c, id);
}

/* --- short-lived devices (--devices K) ------------------------------------------------------------
 * What a fleet of small devices does: connect, publish a few values, disconnect; the same device
 * again later, with the same client id (a clean session each time). Device d owns cell d (client id
 * loadgen-dev-cell<base + d>) and publishes --per-connection M inputs of its cell per connection:
 * inputs d + cells * (r * M + j), j < M, in its r-th connection, so the job and what the sink
 * expects stay those of the one-connection run. K device connections are open at a time, slot s
 * running the devices d with d % K == s one after the other (devices s, s + K, ..., then the second
 * connection of each), so a cell's inputs are published in order. With K = cells (bench/run.sh) each
 * device has a slot of its own and connects again as soon as libmosquitto has closed its last
 * connection, before the broker may have read all of it: what a broker does when the same client id
 * connects while its previous connection still has packets unread or unhandled shows here (MQTT 3.1.1
 * [MQTT-3.1.4-2]: it takes the session over). A device disconnects once libmosquitto has written its
 * PUBLISHes (QoS 0) or their PUBACKs have come (QoS 1). A refused or failed connection is counted
 * (device_failures) and tried again. The RESULT line adds devices, per_connection, connections,
 * connections_per_s and device_failures; onehop adds reordered_topic and reordered_cell (inputs that
 * arrived after a later one of their topic, or of their cell). */
struct slot {
    struct conn c;
    char name[32];
    int first, device, round; /* the slot's first device; the device whose connection is next or open, its round */
    bool sent;                /* this connection published all and sent its DISCONNECT */
    bool done;
};
static int connections; /* device connections that published their inputs and disconnected */

static int device_input(const struct slot *s, int j) {
    long long i = s->device + (long long) cells * ((long long) s->round * per_connection + j);
    return i < n ? (int) i : -1;
}

/* Opens the slot's next connection; false when the slot has published all of its inputs. */
static bool open_device(struct slot *s) {
    if (device_input(s, 0) < 0) return false;
    char id[64];
    snprintf(id, sizeof id, "loadgen-dev-cell%lld", (long long) base + s->device);
    if (s->c.m) mosquitto_destroy(s->c.m);
    s->c = (struct conn) {.name = s->name, .stop = &gen_stop, .lost = &gen_lost, .connack = -1, .device = true};
    s->sent = false;
    client_with_id(&s->c, id);
    int rc = mosquitto_connect(s->c.m, host, port, 60);
    if (rc != MOSQ_ERR_SUCCESS) {
        if (atomic_fetch_add(&device_failures, 1) == 0) {
            fprintf(stderr, "loadgen: %s: cannot connect: %s\n", s->name,
                    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        }
        s->c.closed = true; /* tried again on the slot's next turn */
    }
    return true;
}

/* After the slot's connection was serviced: publishes once the CONNACK is in, disconnects once all is
 * out; once the connection is closed, moves on to the slot's next device, or tries the same again
 * when the connection failed before its DISCONNECT. Returns false when the slot is done. */
static bool advance_device(struct slot *s, int slots) {
    struct conn *c = &s->c;
    if (!c->closed && c->connack > 0) {
        if (atomic_fetch_add(&device_failures, 1) == 0) {
            fprintf(stderr, "loadgen: %s: the broker refused the connection: %s\n", s->name, mosquitto_connack_string(c->connack));
        }
        mosquitto_disconnect(c->m);
        c->closed = true;
    }
    if (!c->closed && c->connack == 0) {
        c->connack = -2; /* CONNACK seen: publish, then wait for the writes (QoS 0) or the PUBACKs (QoS 1) */
        for (int j = 0; j < per_connection && device_input(s, j) >= 0; j++) publish_on(c, device_input(s, j));
    }
    if (!c->closed && !s->sent && c->connack == -2 && (qos == 0 ? !mosquitto_want_write(c->m) : c->inflight == 0)) {
        s->sent = true;
        mosquitto_disconnect(c->m); /* libmosquitto closes the socket once the DISCONNECT is written */
    }
    if (mosquitto_socket(c->m) < 0) c->closed = true;
    if (!c->closed) return true;
    if (s->sent) {
        connections++;
        s->device += slots;
        if (s->device >= cells) {
            s->device = s->first;
            s->round++;
        }
    }
    return open_device(s);
}

static void *devices_main(void *arg) {
    (void) arg;
    int slots = devices < cells ? devices : cells;
    struct slot *all = calloc((size_t) slots, sizeof *all);
    struct pollfd *fds = calloc((size_t) slots, sizeof *fds);
    int *of = calloc((size_t) slots, sizeof *of);
    if (!all || !fds || !of) die(1, "out of memory for --devices %d", devices);
    int64_t start = now_ns();
    atomic_store(&start_ns, start);
    int open = 0;
    for (int k = 0; k < slots; k++) {
        all[k].first = all[k].device = k;
        snprintf(all[k].name, sizeof all[k].name, "device slot %d", k);
        all[k].done = !open_device(&all[k]);
        if (!all[k].done) open++;
    }
    while (open > 0 && !atomic_load(&gen_stop)) {
        int count = 0;
        for (int k = 0; k < slots; k++) {
            if (all[k].done) continue;
            int sock = mosquitto_socket(all[k].c.m);
            if (all[k].c.closed || sock < 0) {
                /* a failed connection: wait a little before trying again */
                sleep_ns(10 * 1000000LL);
                if (!advance_device(&all[k], slots)) { all[k].done = true; open--; }
                continue;
            }
            fds[count] = (struct pollfd) {.fd = sock, .events = POLLIN | (mosquitto_want_write(all[k].c.m) ? POLLOUT : 0)};
            of[count++] = k;
        }
        if (count == 0) continue;
        struct timespec t = {.tv_sec = 0, .tv_nsec = IDLE_NS};
        if (ppoll(fds, (nfds_t) count, &t, NULL) < 0 && errno != EINTR) die(1, "poll: %s", strerror(errno));
        for (int x = 0; x < count; x++) {
            struct slot *s = &all[of[x]];
            short r = fds[x].revents;
            if ((r & (POLLIN | POLLERR | POLLHUP)) && read_available(&s->c) != MOSQ_ERR_SUCCESS) s->c.closed = true;
            if (!s->c.closed && (r & POLLOUT) && mosquitto_loop_write(s->c.m, 1) != MOSQ_ERR_SUCCESS) s->c.closed = true;
            if (!advance_device(s, slots)) { s->done = true; open--; }
        }
    }
    atomic_store_explicit(&all_published, true, memory_order_release);
    for (int k = 0; k < slots; k++) if (all[k].c.m) mosquitto_destroy(all[k].c.m);
    free(all);
    free(fds);
    free(of);
    return NULL;
}

/* Drives the connection from this thread until *flag or 10 s. */
static void await(struct conn *c, const bool *flag, const int *connack, const char *what) {
    int64_t deadline = now_ns() + 10 * NS_PER_S;
    while (!*flag && (connack == NULL || *connack < 0)) {
        int rc = mosquitto_loop(c->m, 100, 1);
        if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
            die(1, "%s: %s", c->name, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        }
        if (rc == MOSQ_ERR_NO_CONN) die(1, "%s: the broker closed the connection while %s", c->name, what);
        if (now_ns() > deadline) die(1, "%s: no answer from the broker within 10 s while %s", c->name, what);
    }
}

static void connect_client(struct conn *c) {
    int rc = mosquitto_connect(c->m, host, port, 60);
    if (rc != MOSQ_ERR_SUCCESS) {
        char where[300];
        snprintf(where, sizeof where, "%s:%d", host, port);
        fprintf(stderr, "loadgen: %s: cannot connect to %s: %s\n", c->name, where,
                rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        exit(1);
    }
    bool never = false;
    await(c, &never, &c->connack, "connecting");
    if (c->connack != 0) die(1, "%s: the broker refused the connection: %s", c->name, mosquitto_connack_string(c->connack));
}

static void usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usage(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "loadgen: ");
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\nusage: loadgen [--host H] [--port P] [--label L] [--scenario onehop|average] [--qos 0|1|2]\n"
                    "               [--n N] [--rate R] [--cells C] [--base B] [--quiet S] [--timeout S] [--window W]\n"
                    "               [--devices K] [--per-connection M]\n");
    exit(2);
}

static int int_option(const char *key, const char *value) {
    int v;
    if (!parse_int(value, &v)) usage("--%s needs an integer", key);
    return v;
}

static void options(int argc, char **argv) {
    for (int k = 1; k < argc; k += 2) {
        const char *key = argv[k], *value = k + 1 < argc ? argv[k + 1] : NULL;
        if (strncmp(key, "--", 2) != 0 || value == NULL) usage("options are --key value pairs, not %s", key);
        key += 2;
        double d;
        if (!strcmp(key, "host")) host = value;
        else if (!strcmp(key, "port")) port = int_option(key, value);
        else if (!strcmp(key, "label")) label = value;
        else if (!strcmp(key, "scenario")) scenario = value;
        else if (!strcmp(key, "qos")) qos = int_option(key, value);
        else if (!strcmp(key, "n")) n = int_option(key, value);
        else if (!strcmp(key, "rate")) rate = int_option(key, value);
        else if (!strcmp(key, "cells")) cells = int_option(key, value);
        else if (!strcmp(key, "base")) base = int_option(key, value);
        else if (!strcmp(key, "window")) window = int_option(key, value);
        else if (!strcmp(key, "devices")) devices = int_option(key, value);
        else if (!strcmp(key, "per-connection")) per_connection = int_option(key, value);
        else if (!strcmp(key, "quiet") || !strcmp(key, "timeout")) {
            if (!parse_double(value, &d) || !(d >= 0 && d < 1e6)) usage("--%s needs a number of seconds", key);
            *(!strcmp(key, "quiet") ? &quiet_s : &timeout_s) = d;
        } else {
            fprintf(stderr, "loadgen: ignoring --%s (not an option of onehop or average)\n", key);
        }
    }
    if (!label) label = scenario;
    if (strcmp(scenario, "onehop") != 0 && strcmp(scenario, "average") != 0) {
        usage("--scenario must be onehop or average, is %s", scenario);
    }
    if (cells <= 0 || cells % 2 != 0) usage("--cells must be even and positive, so that every average is an integer");
    if (qos < 0 || qos > 2) usage("--qos must be 0, 1 or 2");
    if (n < 0 || rate < 0) usage("--n and --rate must not be negative");
    if (window < 1 || window > 65535) usage("--window must be between 1 and 65535");
    if (port < 1 || port > 65535) usage("--port must be between 1 and 65535");
    if (devices < 0 || per_connection < 1) usage("--devices must not be negative, --per-connection must be at least 1");
    if (devices > 0 && rate > 0) usage("--devices publishes as fast as the connections go: no --rate with it");
    onehop = strcmp(scenario, "onehop") == 0;
    expected = onehop ? n : (n > cells ? n - cells : 0);
    first = onehop ? 0 : cells;
}

/* --- the report ---------------------------------------------------------------------------------- */
static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static int64_t percentile(const int64_t *sorted, int count, double p) {
    if (count == 0) return -1;
    double x = p * count;
    long long index = (long long) x;
    if ((double) index < x) index++; /* Math.ceil */
    index -= 1;
    if (index < 0) index = 0;
    if (index > count - 1) index = count - 1;
    return sorted[index];
}

static const char *millis(int64_t nanos, char *buf, size_t size) {
    if (nanos < 0) return "-";
    snprintf(buf, size, "%.3f", nanos / 1e6);
    return buf;
}

/* This process's CPU time so far (user + system, both connections), as Bench.java reports its JVM's. */
static long long cpu_millis(void) {
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000LL + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000;
}

static void report(const char *ending) {
    int64_t *lat = malloc(sizeof *lat * (size_t) (expected > 0 ? expected : 1));
    if (!lat) die(1, "out of memory");
    int count = 0;
    int64_t last = 0, start = atomic_load(&start_ns);
    /* LOADGEN_LATENCIES=file: every received message's publish time (CLOCK_MONOTONIC, ns: the clock of
       a JVM's -Xlog decorator timenanos) and latency (ms), one line each, to see whether the slow ones
       come together and with what (a collection, a safepoint) or alone. */
    const char *dump_path = getenv("LOADGEN_LATENCIES");
    FILE *dump = dump_path && *dump_path ? fopen(dump_path, "w") : NULL;
    for (int i = first; i < n; i++) {
        if (dump && received_at[i] != 0 && sent_at[i] != 0)
            fprintf(dump, "%lld %.3f\n", (long long) sent_at[i], (received_at[i] - sent_at[i]) / 1e6);
        if (received_at[i] != 0 && sent_at[i] != 0) {
            lat[count++] = received_at[i] - sent_at[i];
            if (received_at[i] > last) last = received_at[i];
        }
    }
    if (dump) fclose(dump);
    qsort(lat, (size_t) count, sizeof *lat, cmp_i64);
    double seconds = count == 0 ? 0 : (last - start) / 1e9;
    int ok = published - publish_failures;
    double rate_out = seconds > 0 ? ok / seconds : 0;
    char p50[32], p99[32], max[32];
    printf("RESULT label=%s scenario=%s qos=%d n=%d rate_target=%d published=%d publish_failed=%d expected=%d"
           " received=%d lost=%d dup=%d stray=%d seconds=%.3f msgs_per_s=%.0f p50_ms=%s p99_ms=%s max_ms=%s"
           " ending=%s generator_connection=%s sink_connection=%s generator_cpu_ms_per_1k=%lld",
           label, scenario, qos, n, rate, ok, publish_failures, expected, count, expected - count, dups, strays,
           seconds, rate_out, millis(percentile(lat, count, 0.50), p50, sizeof p50),
           millis(percentile(lat, count, 0.99), p99, sizeof p99),
           millis(count == 0 ? -1 : lat[count - 1], max, sizeof max), ending,
           atomic_load(&gen_lost) ? "lost-during-run" : "open", atomic_load(&sink_lost) ? "lost-during-run" : "open",
           cpu_millis() * 1000 / (n > 0 ? n : 1));
    if (onehop) printf(" reordered_topic=%d reordered_cell=%d", reordered_topic, reordered_cell);
    if (devices > 0) {
        printf(" devices=%d per_connection=%d connections=%d connections_per_s=%.0f device_failures=%d", devices,
               per_connection, connections, seconds > 0 ? connections / seconds : 0, atomic_load(&device_failures));
    }
    printf("\n");
    fflush(stdout);
    free(lat);
}

int main(int argc, char **argv) {
    options(argc, argv);
    signal(SIGPIPE, SIG_IGN); /* libmosquitto's send() does not use MSG_NOSIGNAL */
    sent_at = calloc((size_t) n + 1, sizeof *sent_at);
    received_at = calloc((size_t) n + 1, sizeof *received_at);
    last_in_topic = malloc(sizeof *last_in_topic * 2 * (size_t) cells);
    last_in_cell = malloc(sizeof *last_in_cell * (size_t) cells);
    if (!sent_at || !received_at || !last_in_topic || !last_in_cell) die(1, "out of memory for --n %d", n);
    for (int k = 0; k < 2 * cells; k++) last_in_topic[k] = -1;
    for (int c = 0; c < cells; c++) last_in_cell[c] = -1;
    mosquitto_lib_init();

    /* the sink first, subscribed before anything is published */
    client(&sink, "loadgen-sink");
    connect_client(&sink);
    char *filters[2] = {"+/temperature1", "+/temperature2"}, *averages[1] = {"+/avgtemperature"};
    int rc = mosquitto_subscribe_multiple(sink.m, NULL, onehop ? 2 : 1, onehop ? filters : averages, qos, 0, NULL);
    if (rc != MOSQ_ERR_SUCCESS) die(1, "sink: cannot subscribe: %s", mosquitto_strerror(rc));
    await(&sink, &sink.subscribed, NULL, "subscribing");
    pthread_t sink_thread, gen_thread;
    if (pthread_create(&sink_thread, NULL, sink_main, NULL) != 0) die(1, "cannot start the sink thread");

    if (devices == 0) {
        client(&gen, "loadgen-gen");
        mosquitto_int_option(gen.m, MOSQ_OPT_SEND_MAXIMUM, window); /* max in flight, MQTT 3.1.1 */
        connect_client(&gen);
    }

    int64_t deadline = now_ns() + (int64_t) (timeout_s * 1e9);
    if (pthread_create(&gen_thread, NULL, devices > 0 ? devices_main : generator_main, NULL) != 0) {
        die(1, "cannot start the generator thread");
    }

    /* everything received, or quiet for a while after the last publish, or the timeout */
    const char *ending = "complete";
    if (expected > 0) {
        while (atomic_load(&distinct) < expected) {
            sleep_ns(20 * 1000000LL);
            int64_t now = now_ns();
            if (now > deadline) {
                ending = "timeout";
                break;
            }
            if (atomic_load_explicit(&all_published, memory_order_acquire)) {
                int64_t last = atomic_load(&last_receipt), start = atomic_load(&start_ns) + 1;
                if (last < start) last = start;
                if (n > 0 && sent_at[n - 1] > last) last = sent_at[n - 1];
                if (now - last > (int64_t) (quiet_s * 1e9)) {
                    ending = "quiet";
                    break;
                }
            }
        }
    } else {
        int64_t until = now_ns() + (int64_t) ((timeout_s > 0 ? timeout_s : 1) * 1e9);
        while (!atomic_load(&all_published) && now_ns() < until) sleep_ns(20 * 1000000LL);
    }
    atomic_store(&sink_stop, true);
    pthread_join(sink_thread, NULL);
    atomic_store(&gen_stop, true);
    pthread_join(gen_thread, NULL);
    report(ending);
    mosquitto_destroy(sink.m);
    if (gen.m) mosquitto_destroy(gen.m);
    mosquitto_lib_cleanup();
    free(sent_at);
    free(received_at);
    return 0;
}
