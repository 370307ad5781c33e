#!/bin/sh
# The services run as the system user muster, which reads /etc/muster through its group.
# Kept on erase: files outside the package may still belong to it.
getent group muster >/dev/null || groupadd -r muster
getent passwd muster >/dev/null \
    || useradd -r -g muster -d /nonexistent -M -s /sbin/nologin -c "muster services" muster
exit 0
