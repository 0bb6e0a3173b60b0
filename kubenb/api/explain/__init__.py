"""The documentation of the built-in API types, per group: what `kubectl explain` prints
(`%kubectl explain`, cli/kubectl/commands/explain.py) and what the API server publishes as
OpenAPI v3 (server/openapi_builtin.py). `docs.SCHEMAS` joins every group's schemas."""
