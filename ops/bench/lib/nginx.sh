# Shared by the download benchmarks: installs nginx and rclone from Debian when missing, and serves a
# directory with nginx on a free loopback port (sendfile, autoindex, no access log), stopped on exit.
# Usage: source it, then `need_tools` and `start_nginx DIR` (sets NGINX_PORT and NGINX_URL).

need_tools() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v rclone >/dev/null 2>&1 || missing+=(rclone)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]} from Debian's packages..."
    if [ "$(id -u)" -ne 0 ]; then
      echo "need root to apt-get install ${missing[*]}" >&2
      exit 1
    fi
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_nginx() {
  local root="$1"
  NGINX_DIR="$(mktemp -d)"
  NGINX_PORT="$(free_port)"
  cat > "$NGINX_DIR/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $NGINX_DIR;
  proxy_temp_path $NGINX_DIR;
  fastcgi_temp_path $NGINX_DIR;
  uwsgi_temp_path $NGINX_DIR;
  scgi_temp_path $NGINX_DIR;
  types { application/octet-stream bin; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $root;
    autoindex on;
  }
}
CONF
  local nginx_bin
  nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  "$nginx_bin" -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" &
  NGINX_PID=$!
  trap 'kill "$NGINX_PID" 2>/dev/null || true; rm -rf "$NGINX_DIR"' EXIT
  for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break
    sleep 0.1
  done
  NGINX_URL="http://127.0.0.1:$NGINX_PORT"
}

bench_jar() {
  local bench="$1"
  ls "$bench"/target/backup-bench-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' | head -n 1 || true
}

ensure_built() {
  local root="$1" bench="$1/ops/bench"
  if [ -z "$(bench_jar "$bench")" ] || [ ! -d "$bench/target/lib" ] || ! ls "$bench"/target/lib/backup-worker-*.jar >/dev/null 2>&1; then
    echo "building (first use)..."
    (cd "$root" && ./mvnw -B -q -DskipTests install -pl ops/bench -am)
  fi
}
