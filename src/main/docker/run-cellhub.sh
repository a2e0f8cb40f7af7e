#!/bin/sh
# The JVM image's entry point. exec: java becomes PID 1, so the SIGTERM of `docker stop`, `podman
# stop` or Kubernetes reaches CellHub, which takes its shutdown snapshot and stops the embedded
# PostgreSQL before it exits. Arguments go to CellHub (after the jar), JVM options to JAVA_OPTS or
# JAVA_OPTS_APPEND.
# shellcheck disable=SC2086 # the options are word-split on purpose
exec java ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar /deployments/quarkus-run.jar "$@"
