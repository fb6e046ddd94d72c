#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for testing `rnnsim sweep slurm` for real:
# Debian's slurm-wlm and munge, slurmctld and slurmd on localhost, one partition holding this
# node with all its cores. Needs root (it installs packages and starts daemons).
#
#   scripts/slurm-local.sh start    install if needed, configure, start, wait until the node is idle
#   scripts/slurm-local.sh stop     stop the daemons this script started
#
# State and logs go to /var/tmp/rnnsim-slurm (the configuration is written to /etc/slurm).
set -euo pipefail
STATE=/var/tmp/rnnsim-slurm
HOST="$(hostname -s)"

start() {
  if [ "$(id -u)" != 0 ]; then echo "slurm-local: run as root (installs slurm-wlm and munge, starts daemons)" >&2; exit 1; fi
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    for attempt in 1 2 3; do
      if apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; then break; fi
      echo "slurm-local: apt-get failed (attempt $attempt), retrying" >&2
      sleep 5
    done
    command -v slurmctld >/dev/null || { echo "slurm-local: slurm-wlm did not install" >&2; exit 1; }
  fi
  mkdir -p "$STATE"/{spool,state,log} /etc/munge /run/munge /var/log/munge /var/lib/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  chmod 400 /etc/munge/munge.key
  chmod 700 /etc/munge
  if ! pgrep -x munged >/dev/null; then
    if id munge >/dev/null 2>&1; then su -s /bin/sh munge -c /usr/sbin/munged; else /usr/sbin/munged --force; fi
  fi
  local cpus mem
  cpus="$(nproc)"
  mem="$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))"
  mkdir -p /etc/slurm
  cat > /etc/slurm/slurm.conf <<CONF
# written by rnnsim scripts/slurm-local.sh: a one-node test cluster
ClusterName=rnnsim-local
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
ReturnToService=2
MpiDefault=none
NodeName=$HOST CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
  printf "CgroupPlugin=autodetect\nIgnoreSystemd=yes\n" > /etc/slurm/cgroup.conf
  pgrep -x slurmctld >/dev/null || slurmctld
  pgrep -x slurmd >/dev/null || slurmd
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)'; then
      echo "slurm-local: node $HOST up ($cpus CPUs, partition 'local')"
      return 0
    fi
    scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true
    sleep 1
  done
  echo "slurm-local: the node did not come up; logs in $STATE/log" >&2
  sinfo >&2 || true
  exit 1
}

stop() {
  for pidfile in "$STATE/slurmd.pid" "$STATE/slurmctld.pid"; do
    if [ -s "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
