"""The programs inside the offline images: POSIX shell for busybox, as text.

Every server is `busybox nc -ll -p PORT -e HANDLER` (one forked handler per connection);
a handler reads one HTTP/1.x request from stdin (the socket), answers on stdout and writes
the app's own log line to PID 1's stdout, so `docker logs` / `kubectl logs` show it where
the real program prints it. `HTTP_LIB` holds the shared pieces (request parsing, the
response, millisecond clock from `adjtimex`, the peer address from /proc/net/tcp).

recipes.py puts these files into each image's root filesystem; placeholders `@NAME@` are
filled there (the bootcamp version, the nginx version, …).
"""

from __future__ import annotations

LIB_DIR = "/usr/lib/kubenb"

HTTP_LIB = r"""# http.sh - one HTTP/1.x exchange on stdin/stdout, sourced by the handlers.
CR=$(printf '\r')

# REQ_METHOD REQ_PATH REQ_PROTO REQ_UA REQ_REFERER from the request on stdin
http_read() {
  IFS=' ' read -r REQ_METHOD REQ_PATH REQ_PROTO || return 1
  REQ_PROTO=${REQ_PROTO%"$CR"}
  REQ_UA=- REQ_REFERER=-
  while IFS= read -r line; do
    line=${line%"$CR"}
    [ -z "$line" ] && break
    case "$line" in
      [Uu]ser-[Aa]gent:*) REQ_UA=${line#*: } ;;
      [Rr]eferer:*) REQ_REFERER=${line#*: } ;;
    esac
  done
  return 0
}

# http_respond STATUS TYPE FILE [HEADER-LINES]: the file is the body
http_respond() {
  len=$(wc -c < "$3")
  printf 'HTTP/1.1 %s\r\nContent-Type: %s\r\nDate: %s\r\n%sContent-Length: %s\r\nConnection: close\r\n\r\n' \
    "$1" "$2" "$(date -u '+%a, %d %b %Y %H:%M:%S GMT')" "$4" "$len"
  [ "$REQ_METHOD" = HEAD ] || cat "$3"
}

# milliseconds since the epoch (busybox date has no %N; adjtimex reads the clock)
now_ms() {
  adjtimex | awk '/tv_sec/ { s = $2 } /tv_usec/ { u = $2 } END { printf "%d%03d\n", s, int(u / 1000) }'
}

# iso_ms MS: 2024-01-01T10:00:00.123Z, as JavaScript prints a Date
iso_ms() {
  printf '%s.%03dZ' "$(date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%S)" $(($1 % 1000))
}

# the client's IPv4 address: our socket's inode, looked up in /proc/net/tcp{,6}
# (an IPv4-mapped address ends in the same 8 hex digits)
peer_addr() {
  ino=$(readlink /proc/self/fd/0)
  ino=${ino#socket:[}
  ino=${ino%]}
  awk -v ino="$ino" '
    function hex(s,   i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1; return n }
    $10 == ino { split($3, a, ":"); h = substr(a[1], length(a[1]) - 7)
      printf "%d.%d.%d.%d\n", hex(substr(h, 7, 2)), hex(substr(h, 5, 2)), hex(substr(h, 3, 2)), hex(substr(h, 1, 2)); exit }
  ' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
"""

# `node server.js` in the bootcamp images: print the start line, then serve port 8080.
BOOTCAMP_NODE = r"""#!/bin/sh
# node - stands for node v@NODE_VERSION@ running the bootcamp's server.js
case "$1" in
  -v|--version) echo v@NODE_VERSION@; exit 0 ;;
esac
if [ "${1##*/}" != server.js ]; then
  echo "this image runs only server.js (node $*)" >&2
  exit 1
fi
if [ ! -f "$1" ]; then
  echo "module.js:457"
  echo "    throw err;"
  echo "Error: Cannot find module '$(pwd)/$1'" >&2
  exit 1
fi
. @LIB@/http.sh
now=$(now_ms)
echo "$now" > /tmp/.kubenb-started
: > /tmp/.kubenb-requests
printf 'Kubernetes Bootcamp App Started At: %s | Running On:  %s \n\n' "$(iso_ms "$now")" "$HOSTNAME"
exec nc -ll -p 8080 -e @LIB@/bootcamp-handler
"""

BOOTCAMP_HANDLER = r"""#!/bin/sh
# one request to the bootcamp app: the greeting, then server.js's console.log line
. @LIB@/http.sh
http_read || exit 0
echo >> /tmp/.kubenb-requests
n=$(wc -l < /tmp/.kubenb-requests)
body=/tmp/.kubenb-body.$$
printf 'Hello Kubernetes bootcamp! | Running on: %s | v=@VERSION@\n' "$HOSTNAME" > "$body"
http_respond '200 OK' text/plain "$body"
rm -f "$body"
now=$(now_ms)
start=$(cat /tmp/.kubenb-started)
up=$(awk -v d=$((now - start)) 'BEGIN { s = sprintf("%.3f", d / 1000); sub(/0+$/, "", s); sub(/\.$/, "", s); print s }')
echo "Running On: $HOSTNAME | Total Requests: $n | App Uptime: $up seconds | Log Time: $(iso_ms "$now")" > /proc/1/fd/1
"""

NGINX_ENTRYPOINT = r"""#!/bin/sh
# /docker-entrypoint.sh - as nginx's image: announce the configuration, then run the command
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
  echo "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
  echo "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/"
  echo "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh"
  echo "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf"
  echo "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf"
  echo "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh"
  echo "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh"
  echo "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh"
  echo "/docker-entrypoint.sh: Configuration complete; ready for start up"
fi
exec "$@"
"""

NGINX_BINARY = r"""#!/bin/sh
# nginx - stands for nginx/@NGINX_VERSION@: serves /usr/share/nginx/html on port 80
case "$1" in
  -v) echo "nginx version: nginx/@NGINX_VERSION@" >&2; exit 0 ;;
  -t) echo "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok" >&2
      echo "nginx: configuration file /etc/nginx/nginx.conf test is successful" >&2; exit 0 ;;
esac
t=$(date '+%Y/%m/%d %H:%M:%S')
{
  echo "$t [notice] 1#1: using the \"epoll\" event method"
  echo "$t [notice] 1#1: nginx/@NGINX_VERSION@"
  echo "$t [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) "
  echo "$t [notice] 1#1: OS: Linux $(uname -r)"
  echo "$t [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576"
  echo "$t [notice] 1#1: start worker processes"
} >&2
nc -ll -p 80 -e @LIB@/nginx-handler &
server=$!
echo "$t [notice] 1#1: start worker process $server" >&2
trap 'kill $server; t=$(date "+%Y/%m/%d %H:%M:%S"); echo "$t [notice] 1#1: signal 3 (SIGQUIT) received, shutting down" >&2; exit 0' TERM INT QUIT
wait
"""

NGINX_HANDLER = r"""#!/bin/sh
# one request to nginx: a file under /usr/share/nginx/html or 404, and the access log line
. @LIB@/http.sh
http_read || exit 0
root=/usr/share/nginx/html
path=${REQ_PATH%%\?*}
case "$path" in
  *..*) path=/.. ;;
esac
file=$root$path
[ -d "$file" ] && file=${file%/}/index.html
hdr="Server: nginx/@NGINX_VERSION@$CR
"
if [ -f "$file" ]; then
  status='200 OK'
  case "$file" in
    *.html|*.htm) type=text/html ;;
    *.css) type=text/css ;;
    *.txt) type=text/plain ;;
    *.json) type=application/json ;;
    *) type=application/octet-stream ;;
  esac
else
  status='404 Not Found'
  type=text/html
  file=@LIB@/nginx-404.html
fi
http_respond "$status" "$type" "$file" "$hdr"
size=$(wc -c < "$file")
[ "$REQ_METHOD" = HEAD ] && size=0
printf '%s - - [%s] "%s %s %s" %s %s "%s" "%s" "-"\n' "$(peer_addr)" \
  "$(date '+%d/%b/%Y:%H:%M:%S %z')" "$REQ_METHOD" "$REQ_PATH" "$REQ_PROTO" "${status%% *}" \
  "$size" "$REQ_REFERER" "$REQ_UA" > /proc/1/fd/1
"""

NGINX_404 = """<html>\r
<head><title>404 Not Found</title></head>\r
<body>\r
<center><h1>404 Not Found</h1></center>\r
<hr><center>nginx/@NGINX_VERSION@</center>\r
</body>\r
</html>\r
"""

NGINX_INDEX = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

# A catalog image that answers HTTP (http-echo, echoserver, …): its start lines, then the
# catalog's answer on each of its ports. /etc/kubenb/{logs,response,ports} come from the
# catalog entry; {hostname} {pod} {iso_ms} {nginx_time} {port} are filled in at run time.
GENERIC_SERVER = r"""#!/bin/sh
# stands for @IMAGE@: the catalog's start lines, then its HTTP answer on @PORTS@
. @LIB@/http.sh
expand() {
  sed -e "s|{hostname}|$HOSTNAME|g" -e "s|{pod}|$HOSTNAME|g" -e "s|{port}|@FIRST_PORT@|g" \
      -e "s|{iso_ms}|$(iso_ms "$(now_ms)")|g" -e "s|{nginx_time}|$(date '+%Y/%m/%d %H:%M:%S')|g"
}
[ -f /etc/kubenb/logs ] && expand < /etc/kubenb/logs
for port in @PORTS@; do
  nc -ll -p "$port" -e @LIB@/generic-handler &
done
@SIGTERM@
wait
"""

GENERIC_HANDLER = r"""#!/bin/sh
# one request: the catalog's answer for this image
. @LIB@/http.sh
http_read || exit 0
body=/tmp/.kubenb-body.$$
sed -e "s|{hostname}|$HOSTNAME|g" -e "s|{pod}|$HOSTNAME|g" /etc/kubenb/response > "$body"
http_respond '200 OK' 'text/plain; charset=utf-8' "$body"
rm -f "$body"
"""

# The sandbox's process: holds the pod's namespaces until it is told to stop.
PAUSE = r"""#!/bin/sh
# pause - holds the pod's network namespace; exits on SIGTERM/SIGINT like registry.k8s.io/pause
trap 'exit 0' TERM INT
while :; do
  sleep 2147483647 &
  wait $!
done
"""

# curl for images whose real counterpart has it (the bootcamp's node:6 base): GETs over wget
CURL = r"""#!/bin/sh
# curl - the GET requests of the tutorials, answered through busybox wget
url=""
while [ $# -gt 0 ]; do
  case "$1" in
    -H|-o|-X|-d|-u|-A|-e|-m|--header|--output|--request|--data|--max-time) shift ;;
    -*) ;;
    *) url=$1 ;;
  esac
  shift
done
if [ -z "$url" ]; then
  echo "curl: no URL specified!" >&2
  exit 2
fi
case "$url" in
  http://*|https://*) ;;
  *) url="http://$url" ;;
esac
if ! wget -qO- "$url" 2>/dev/null; then
  hostport=${url#*://}
  hostport=${hostport%%/*}
  host=${hostport%%:*}
  port=${hostport#"$host"}
  port=${port#:}
  echo "curl: (7) Failed to connect to $host port ${port:-80} after 0 ms: Couldn't connect to server" >&2
  exit 7
fi
"""

# bash for images that start `bash` (busybox has only ash)
BASH = """#!/bin/sh
exec /bin/sh "$@"
"""
