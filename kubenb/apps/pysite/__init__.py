"""The container side of the pod network: name mapping that programs in a pod see.

This directory goes first on `PYTHONPATH` of every container the process runtime starts, so
its `sitecustomize.py` runs in each Python program of a pod (binds and `localhost` mean the
pod's own IP, Service names resolve), and the exec shims (kubenb/apps/shims/) import
`kubenb_names.py` for the same mapping. Both must stay importable without kubenb's dependencies.
"""
