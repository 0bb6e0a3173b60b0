"""Small stand-ins for `curl`, `wget`, `hostname`, `env`/`printenv` that see the pod's view.

The process runtime puts a directory of wrappers first on each container's `PATH`
(kubenb/node/runtime/process_env.py); each wrapper runs one module here with the host's
Python in isolated mode. They map `localhost` to the pod's IP and Service names to ClusterIPs
(kubenb/apps/pysite/kubenb_names.py), speak real HTTP with http.client, and print what the real
tools print: the body, and curl's or BusyBox wget's error texts and exit codes. `env` and
`printenv` leave out the variables the runtime itself adds.
"""
