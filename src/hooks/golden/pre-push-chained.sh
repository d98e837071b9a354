#!/bin/sh
# dockwright-hook v2 dockwright 0.0.0
# Written by `dockwright hooks install`; `dockwright hooks uninstall` removes it.
# DOCKWRIGHT_SKIP=1 skips dockwright. DOCKWRIGHT_HOOK_BIN names the hook binary to run
# instead, or the directory that holds it.
# The hook that was here before is kept as pre-push.dockwright-chained and runs first,
# with the same arguments and input; its exit code is this hook's.
input=$(cat; echo .)
input=${input%.}
status=0
if [ -x "$0.dockwright-chained" ]; then
  printf '%s' "$input" | "$0.dockwright-chained" "$@"
  status=$?
fi
[ "$status" -eq 0 ] || exit "$status"
case "$DOCKWRIGHT_SKIP" in ''|0) ;; *) exit 0 ;; esac
installed='/opt/dock'\''wright/bin/dockwright-hook-pre-push'
bin=$installed
if [ -n "$DOCKWRIGHT_HOOK_BIN" ]; then
  bin=$DOCKWRIGHT_HOOK_BIN
  if [ -d "$bin" ]; then bin=$bin/dockwright-hook-pre-push; fi
elif [ ! -x "$bin" ]; then
  bin=$(command -v dockwright-hook-pre-push) || bin=
fi
if [ ! -x "$bin" ]; then
  echo "dockwright: pre-push hook skipped: \`${bin:-$installed}\` is missing and \`dockwright-hook-pre-push\` is not on PATH (help: run \`dockwright hooks install\` again)" >&2
  exit 0
fi
printf '%s' "$input" | "$bin" "$@"
