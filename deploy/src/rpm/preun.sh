#!/bin/sh
# On erase ($1 = 0), not on upgrade: the services stop and are disabled, since their programs go.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now muster-agent.service muster-coordinator.service >/dev/null 2>&1 || :
fi
exit 0
