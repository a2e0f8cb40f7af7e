// Node-RED settings for the benchmark's Node-RED reference processor (flows.json). Not run by hand:
// bench/references/nodered/start.sh HOST PORT QOS WORKDIR passes it with --settings.
// Headless (no editor, admin API or HTTP listener), writes nothing (readOnly), never reaches the
// internet (no telemetry, update check or module installs), logs warnings and errors to stderr only
// (stdout carries nothing but the flow's "ready" line).

// TCP_NODELAY, as for the other processors: the mqtt nodes' client (MQTT.js) opens its TCP
// connection with net.createConnection and has no option for it, so every socket created that way
// in this process gets setNoDelay(true). The only outgoing connection here is the broker's.
const net = require("net");
const createConnection = net.createConnection;
net.createConnection = function (...args) {
    return createConnection.apply(this, args).setNoDelay(true);
};

const levelNames = { 10: "fatal", 20: "error", 30: "warn", 40: "info", 50: "debug", 60: "trace" };

module.exports = {
    flowFile: "flows.json", // start.sh passes the absolute path of the one next to this file
    credentialSecret: false, // the flow has no credentials (costs one "unencrypted" warning)
    readOnly: true, // no flow, credential or .config writes, so no backups either

    // headless: no editor, admin API or HTTP nodes, hence no listening port (uiPort is unused)
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,

    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { projects: { enabled: false } },
    externalModules: {
        autoInstall: false,
        palette: { allowInstall: false },
        modules: { allowInstall: false },
    },
    functionExternalModules: false,

    // Warnings and errors, to stderr. Connection failures are "info": NODE_RED_LOG_LEVEL=info shows them.
    logging: {
        console: { level: "off" },
        stderr: {
            level: process.env.NODE_RED_LOG_LEVEL || "warn",
            metrics: false,
            audit: false,
            handler: () => (m) => process.stderr.write(`${new Date().toISOString()} ` +
                `[${levelNames[m.level] || m.level}] ` +
                `${m.type ? "[" + m.type + ":" + (m.name || m.id) + "] " : ""}${m.msg}\n`),
        },
    },
};
