"""Programs the process runtime runs for built-in images, and what runs inside a pod.

- agent.py: the per-node agent process (JSON lines on stdin/stdout) that hosts built-in
  apps and spawns command containers; logfile.py: the CRI log format it writes.
- base.py, bootcamp.py, web.py: the built-in apps (bootcamp v1/v2, nginx, http-echo,
  echoserver, generic servers).
- shims/ (curl, wget, hostname) and pysite/ (sitecustomize, name mapping): how programs in
  a pod see `localhost` as the pod and Service names as ClusterIPs.

Nothing here imports the control plane: the agent must start fast and stay small.
"""
