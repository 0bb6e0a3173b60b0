"""Go's encodings of JSON data, to the byte: numbers as encoding/json and go-yaml write them
(`gonum`), and YAML as sigs.k8s.io/yaml prints it (`goyaml`, `goyaml_scalars`). kubectl's
printers, the kubeconfig file and the API server share them."""
