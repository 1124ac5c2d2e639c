# Shared by testbed/testbed and testbed/libvirt-hosts (sourced, not run): real libvirt "hosts" in
# namespaces on one machine, and the teardown of everything a testbed run started.
#
# Layout (facts: docs/testbed.md): every host hI is a network namespace $NS_PREFIX-hI with a veth into the
# bridge of the controller namespace $NS_PREFIX-ctl (subnet $SUBNET.0/24; the controller is $SUBNET.1, host hI
# is $SUBNET.(10+I)), plus its own mount and UTS namespaces with private bind mounts over /etc/libvirt,
# /run/libvirt, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt and /etc/hosts, its own virtlogd and
# libvirtd (pid files under its /run/libvirt), a distinct host_uuid and keepalive. Before any address exists,
# the root namespace gets an unreachable route for the subnet, so no testbed packet can ever follow the
# default route off the machine.

DIR="${KVMHA_TESTBED_DIR:-/tmp/kvmha-testbed}"
SUBNET="${KVMHA_TESTBED_SUBNET:-10.254.77}"   # /24, first three octets
# Namespace names: $NS_PREFIX-ctl and $NS_PREFIX-hI. testbed/libvirt-hosts uses its own prefix, directory and
# subnet, so the agent's real-libvirtd tests and a full testbed never touch each other's hosts.
NS_PREFIX="${NS_PREFIX:-kvmha}"
CTL_NS="$NS_PREFIX-ctl"
CTL_IP="$SUBNET.1"
BRIDGE="${NS_PREFIX//-/}br0"
# libvirtd probes QEMU for ~8 s on a fresh /var/cache/libvirt; its cache is kept here between runs
# (valid as long as the QEMU binary, libvirt and the kernel are unchanged; libvirt re-probes otherwise).
CAPS_SEED="${KVMHA_TESTBED_CAPS_CACHE:-/var/cache/kvmha-testbed/qemu-capabilities}"
KEEPALIVE_INTERVAL="${KVMHA_TESTBED_KEEPALIVE_INTERVAL:-2}"
KEEPALIVE_COUNT="${KVMHA_TESTBED_KEEPALIVE_COUNT:-3}"

log() { echo "$PROG: $*" >&2; }
die() { echo "$PROG: $*" >&2; exit 1; }

host_ip() { echo "$SUBNET.$((10 + ${1#h}))"; }
host_ns() { echo "$NS_PREFIX-$1"; }
pid_of() { [ -s "$1" ] && cat "$1" 2>/dev/null || true; }
unix_uri() { echo "qemu+unix:///system?socket=$DIR/$1/run/libvirt-sock"; }
tcp_uri() { echo "qemu+tcp://$(host_ip "$1")/system"; }
valid_host() { [[ "$1" =~ ^h[1-9][0-9]?$ ]] && [ -d "$DIR/$1" ] || die "no testbed host '$1' (hosts: $(hosts_in_state | tr '\n' ' '))"; }

# Alive and not a zombie (PID 1 here reaps lazily; kill -0 succeeds on zombies).
alive() {
  local pid="$1" state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# Stops one pid if it is alive and runs the expected program: TERM then KILL, or KILL at once with --kill.
stop_pid() {
  local pid="$1" expect="$2" mode="${3:-}" i
  alive "$pid" || return 0
  grep -qa -- "$expect" "/proc/$pid/cmdline" 2>/dev/null || { log "pid $pid is not $expect; left alone"; return 0; }
  if [ "$mode" != --kill ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do alive "$pid" || return 0; sleep 0.1; done
  fi
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do alive "$pid" || return 0; sleep 0.1; done
  log "pid $pid ($expect) did not stop"
}

hosts_in_state() { [ -d "$DIR" ] && (cd "$DIR" && ls -d h[0-9]* 2>/dev/null) || true; }

ensure_accounts() {
  getent group kvm >/dev/null || groupadd --system kvm
  getent group libvirt >/dev/null || groupadd --system libvirt
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
  getent passwd libvirt-qemu >/dev/null || useradd --system -g libvirt-qemu -G kvm -M -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
}

# Every process of one host, guests first (their QEMU pid files), then libvirtd, and virtlogd last: guests
# need its pipes. --kill: SIGKILL at once (a power loss), else TERM first.
stop_host_processes() {
  local h="$1" mode="${2:-}" run="$DIR/$1/run" f
  [ -s "$DIR/$h/agent.pid" ] && stop_pid "$(pid_of "$DIR/$h/agent.pid")" "kvmha.testbed.process=agent-$h" "$mode"
  for f in "$run"/qemu/*.pid; do
    [ -e "$f" ] && [ "$(basename "$f")" != driver.pid ] && stop_pid "$(pid_of "$f")" qemu-system "$mode"
  done
  stop_pid "$(pid_of "$run/libvirtd.pid")" libvirtd "$mode"
  stop_pid "$(pid_of "$run/virtlogd.pid")" virtlogd "$mode"
  return 0
}

# Stops every process of the control plane recorded under $DIR/ctl (services, BMC, Prometheus...).
stop_control_plane() {
  local f name
  [ -d "$DIR/ctl" ] || return 0
  for f in "$DIR"/ctl/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    case "$name" in
      prometheus) stop_pid "$(pid_of "$f")" prometheus ;;
      alertmanager) stop_pid "$(pid_of "$f")" alertmanager ;;
      *) stop_pid "$(pid_of "$f")" "kvmha.testbed.process=$name" ;;
    esac
    rm -f "$f"
  done
  [ -s "$DIR/ctl/kafka/kafka.pid" ] && "$ROOT/testbed/kafka-broker" stop "$DIR/ctl/kafka" 2>/dev/null || true
}

# Idempotent: everything a testbed run started, by pid, then namespaces, route and state directory.
down_all() {
  local h ns
  stop_control_plane
  for h in $(hosts_in_state); do
    if compgen -G "$DIR/$h/cache/qemu/capabilities/*.xml" >/dev/null; then
      mkdir -p "$CAPS_SEED" && cp -f "$DIR/$h/cache/qemu/capabilities/"*.xml "$CAPS_SEED/" 2>/dev/null || true
    fi
    stop_host_processes "$h"
    ip netns del "$(host_ns "$h")" 2>/dev/null || true
  done
  # Hosts of a run whose state directory is gone: only the namespaces can be left.
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$NS_PREFIX-h[0-9]+\$" || true); do
    ip netns pids "$ns" 2>/dev/null | grep -q . && log "namespace $ns still has processes: $(ip netns pids "$ns" | tr '\n' ' ')"
    ip netns del "$ns" 2>/dev/null || true
  done
  if in_controller_ns; then
    # Called from a process inside the controller namespace (the e2e tests): it stays; its creator removes it.
    log "running inside $CTL_NS: the namespace and its route stay for the caller"
  else
    ip netns pids "$CTL_NS" 2>/dev/null | grep -q . && log "namespace $CTL_NS still has processes: $(ip netns pids "$CTL_NS" | tr '\n' ' ')"
    ip netns del "$CTL_NS" 2>/dev/null || true
    ip route del unreachable "$SUBNET.0/24" 2>/dev/null || true
  fi
  [ -d "$DIR" ] && rm -rf "$DIR"
  return 0
}

in_controller_ns() {
  [ -e "/run/netns/$CTL_NS" ] && [ "$(stat -L -c %i /proc/self/ns/net)" = "$(stat -L -c %i "/run/netns/$CTL_NS")" ]
}

# The root namespace's safety route and the controller namespace with its bridge; kept when they exist.
controller_network() {
  ip route show type unreachable | grep -q "^unreachable $SUBNET.0/24" || ip route add unreachable "$SUBNET.0/24" metric 4000
  if ! ip netns list | awk '{print $1}' | grep -qx "$CTL_NS"; then
    ip netns add "$CTL_NS"
  fi
  ip -n "$CTL_NS" link set lo up
  if ! ip -n "$CTL_NS" link show "$BRIDGE" >/dev/null 2>&1; then
    ip -n "$CTL_NS" link add "$BRIDGE" type bridge
    ip -n "$CTL_NS" addr add "$CTL_IP/24" dev "$BRIDGE"
  fi
  ip -n "$CTL_NS" link set "$BRIDGE" up
}

write_host_config() {
  local h="$1" n="$2" base="$DIR/$1" ip uuid i
  ip=$(host_ip "$h")
  uuid=$(printf '6b766d68-6100-4000-8000-%012d' "${h#h}")
  mkdir -p "$base"/{etc,run,lib/qemu,log/qemu,cache/qemu/capabilities}
  if compgen -G "$CAPS_SEED/*.xml" >/dev/null; then cp -f "$CAPS_SEED"/*.xml "$base/cache/qemu/capabilities/"; fi
  cat > "$base/etc/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 1
listen_addr = "$ip"
auth_tcp = "none"
auth_unix_rw = "none"
unix_sock_group = "root"
unix_sock_rw_perms = "0770"
host_uuid = "$uuid"
keepalive_interval = $KEEPALIVE_INTERVAL
keepalive_count = $KEEPALIVE_COUNT
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
  cat > "$base/etc/qemu.conf" <<CONF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
migration_address = "$ip"
migration_host = "$ip"
CONF
  printf '127.0.0.1 localhost\n%s %s-%s\n' "$ip" "$NS_PREFIX" "$h" > "$base/hosts"
  for i in $(seq 1 "$n"); do printf '%s %s-h%s\n' "$(host_ip "h$i")" "$NS_PREFIX" "$i" >> "$base/hosts"; done
}

host_network() {
  local h="$1" ns
  ns=$(host_ns "$h")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$ns" link add eth0 type veth peer name "veth-$h" netns "$CTL_NS"
  ip -n "$ns" addr add "$(host_ip "$h")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$CTL_NS" link set "veth-$h" master "$BRIDGE" up
}

# virtlogd and libvirtd in the host's network namespace, in new mount and UTS namespaces that outlive
# this shell through the daemons.
start_host_daemons() {
  local h="$1" base="$DIR/$1"
  ip netns exec "$(host_ns "$h")" unshare --mount --uts --propagation private /bin/sh -ec "
    hostname $NS_PREFIX-$h
    mount --bind '$base/etc' /etc/libvirt
    mount --bind '$base/run' /run/libvirt
    mount --bind '$base/lib' /var/lib/libvirt
    mount --bind '$base/log' /var/log/libvirt
    mount --bind '$base/cache' /var/cache/libvirt
    mount --bind '$base/hosts' /etc/hosts
    virtlogd -d -p /run/libvirt/virtlogd.pid
    libvirtd -d -l -p /run/libvirt/libvirtd.pid
  "
}

start_libvirtd_again() {
  local h="$1" run="$DIR/$1/run" vpid
  vpid=$(pid_of "$run/virtlogd.pid")
  alive "$vpid" || die "$h: virtlogd is not running (host powered off?)"
  alive "$(pid_of "$run/libvirtd.pid")" && { log "$h: libvirtd already running"; return 0; }
  rm -f "$run/libvirtd.pid"
  nsenter -t "$vpid" -m -u -n -- libvirtd -d -l -p /run/libvirt/libvirtd.pid
  wait_libvirtd "$h"
}

wait_libvirtd() {
  local h="$1" run="$DIR/$1/run" i
  for i in $(seq 1 150); do
    if [ -S "$run/libvirt-sock" ] && alive "$(pid_of "$run/libvirtd.pid")" \
       && virsh -q -c "$(unix_uri "$h")" uri >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "$h: libvirtd did not become ready; see $DIR/$h/log/libvirtd.log"
}

# Runs CMD inside host h's mount, UTS and network namespaces (those of its virtlogd).
enter_host() {
  local h="$1"; shift
  local vpid
  vpid=$(pid_of "$DIR/$h/run/virtlogd.pid")
  alive "$vpid" || die "$h is not up"
  exec nsenter -t "$vpid" -m -u -n -- "$@"
}

check_host_tools() {
  [ "$(id -u)" = 0 ] || die "needs root (network and mount namespaces, libvirtd as root)"
  local b
  for b in libvirtd virtlogd virsh ip unshare nsenter qemu-system-x86_64; do
    command -v "$b" >/dev/null || die "missing $b (dev/install-deps test installs it)"
  done
}

# N hosts h1..hN with their daemons, on the controller network (which must exist).
hosts_up() {
  local n="$1" i
  ensure_accounts
  # Mount points for the per-host bind mounts (empty directories in the root file system).
  mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt
  for i in $(seq 1 "$n"); do
    host_network "h$i"
    write_host_config "h$i" "$n"
    start_host_daemons "h$i"
  done
  for i in $(seq 1 "$n"); do wait_libvirtd "h$i"; done
}
