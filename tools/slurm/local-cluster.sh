#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (Debian's slurm-wlm and munge), for testing fsnas's job
# arrays against a real scheduler: `up` (idempotent), `down`, `status`, `env` (the SLURM_CONF line).
# Everything lives under $FSNAS_SLURM_DIR (default /tmp/fsnas-slurm): config, munge key and socket,
# state, logs, pid files. Needs root (slurmd runs jobs as their submitter; munged as `munge`).
#
# What this sandbox needs, each on purpose: munged as the munge user with its files in the scratch
# folder (AuthInfo=socket=… points Slurm at it); the node named localhost (slurmd -N localhost);
# proctrack/linuxproc and task/none, because cgroup tracking fails without systemd; no slurmdbd (sacct
# is unavailable; squeue and scontrol suffice). The daemons run in the foreground under one
# supervisor shell that waits on them, so a killed daemon is reaped, never left a zombie.
set -euo pipefail
DIR="${FSNAS_SLURM_DIR:-/tmp/fsnas-slurm}"
CONF="$DIR/slurm.conf"
export SLURM_CONF="$CONF"
log() { printf 'local-cluster: %s\n' "$*" >&2; }
# Client commands hang while slurmctld is down: always bounded.
ask() { timeout 3 "$@" 2>/dev/null; }

alive() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

status() {
  local ok=0
  for d in munged slurmctld slurmd supervisor; do
    if alive "$d"; then echo "$d running (pid $(cat "$DIR/$d.pid"))"; else echo "$d stopped"; ok=1; fi
  done
  if (( ok == 0 )); then ask sinfo -h -o '%P %a %D %T %N' | sed 's/^/partition /' || { echo 'sinfo: no answer'; ok=1; }; fi
  return $ok
}

write_config() {
  local cpus mem
  cpus="$(nproc)"
  # slurmd refuses a node that has less memory than configured: stay under what is there.
  mem="$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"
  cat > "$CONF" <<CONFIG
ClusterName=fsnas-local
SlurmctldHost=localhost
SlurmctldPort=${FSNAS_SLURMCTLD_PORT:-6817}
SlurmdPort=${FSNAS_SLURMD_PORT:-6818}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.daemon.pid
SlurmdPidFile=$DIR/slurmd.daemon.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MaxArraySize=1001
NodeName=localhost CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONFIG
}

up() {
  if status >/dev/null 2>&1; then log "already up ($CONF)"; return 0; fi
  [[ $(id -u) == 0 ]] || { log "needs root (slurmd runs jobs as their users; munged as munge)"; exit 2; }
  for cmd in munged slurmctld slurmd sbatch; do command -v "$cmd" >/dev/null || { log "$cmd not found: apt-get install slurm-wlm munge (bash tools/bootstrap.sh does, as root)"; exit 2; }; done
  down >/dev/null 2>&1 || true
  local started=$SECONDS
  # munged wants its socket folder searchable by all and its key readable by itself alone.
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge/key"
  chown -R munge: "$DIR/munge" && chmod 755 "$DIR/munge" && chmod 700 "$DIR/munge/key"
  [[ -f "$DIR/munge/key/munge.key" ]] || { dd if=/dev/urandom of="$DIR/munge/key/munge.key" bs=1024 count=1 status=none; chown munge: "$DIR/munge/key/munge.key"; chmod 400 "$DIR/munge/key/munge.key"; }
  write_config
  # The supervisor: starts each daemon in the foreground, records its pid, and waits on all of them.
  cat > "$DIR/supervisor.sh" <<SUPERVISOR
#!/usr/bin/env bash
export SLURM_CONF="$CONF"
runuser -u munge -- munged -F --key-file="$DIR/munge/key/munge.key" --socket="$DIR/munge/munge.socket" \
  --pid-file="$DIR/munge/munged.daemon.pid" --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" &
echo \$! > "$DIR/munged.pid"
for _ in \$(seq 50); do [[ -S "$DIR/munge/munge.socket" ]] && break; sleep 0.1; done
slurmctld -D -i >> "$DIR/slurmctld.out" 2>&1 &
echo \$! > "$DIR/slurmctld.pid"
slurmd -D -N localhost >> "$DIR/slurmd.out" 2>&1 &
echo \$! > "$DIR/slurmd.pid"
wait
SUPERVISOR
  chmod +x "$DIR/supervisor.sh"
  setsid "$DIR/supervisor.sh" < /dev/null > "$DIR/supervisor.out" 2>&1 &
  echo $! > "$DIR/supervisor.pid"
  while (( SECONDS - started < 30 )); do
    if ask sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)'; then
      log "up in $((SECONDS - started)) s: one node (localhost, $(nproc) CPUs), partition debug; export SLURM_CONF=$CONF"
      return 0
    fi
    sleep 0.2
  done
  log "the node did not become idle within 30 s; logs in $DIR (slurmctld.log, slurmd.log, munge/munged.log)"
  exit 1
}

down() {
  # Jobs first (their steps run under slurmd), then the daemons, then their supervisor.
  if alive slurmctld; then ask scancel --full --user=root >/dev/null || true; fi
  for d in slurmd slurmctld munged supervisor; do
    if alive "$d"; then kill "$(cat "$DIR/$d.pid")" 2>/dev/null || true; fi
  done
  for _ in $(seq 50); do
    local any=0
    for d in slurmd slurmctld munged supervisor; do alive "$d" && any=1; done
    (( any == 0 )) && break
    sleep 0.1
  done
  for d in slurmd slurmctld munged supervisor; do
    if alive "$d"; then kill -9 "$(cat "$DIR/$d.pid")" 2>/dev/null || true; fi
    rm -f "$DIR/$d.pid"
  done
  log "down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
