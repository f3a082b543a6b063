#!/bin/sh
# Captures how kubectl prints API objects with -o json and -o yaml, without an API server: `kubectl patch --local`
# reads each object below from a file, applies an empty merge patch (so it stays as it was) and prints it with
# kubectl's own printers. The objects hold what the simulation knows of a service, its endpoints, a pod, a
# node of the seed cluster and flannel's ConfigMap. Needs kubectl.
#
#   sh scripts/capture-kubectl-goldens.sh src/test/resources/shell/kubectl
#
# Writes OUT/NAME.json (the object given to kubectl) and OUT/NAME.{json,yaml}.out (what kubectl printed).
set -eu
out=${1:?usage: capture-kubectl-goldens.sh OUTDIR}
mkdir -p "$out"
cat > "$out/service.json" <<'JSON'
{"apiVersion":"v1","kind":"Service","metadata":{"name":"mcwtest-svc","namespace":"default"},"spec":{"clusterIP":"10.2.0.155","ports":[{"port":2024,"protocol":"TCP","targetPort":80,"nodePort":41527}],"selector":{"app":"mcwtest"},"type":"NodePort"},"status":{"loadBalancer":{}}}
JSON
cat > "$out/endpoints.json" <<'JSON'
{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"mcwtest-svc","namespace":"default"},"subsets":[{"addresses":[{"ip":"172.17.89.10","nodeName":"mcwk8s05","targetRef":{"kind":"Pod","name":"mcwtest-deploy-5b4c8d9f7-x2kq9","namespace":"default"}},{"ip":"172.17.9.4","nodeName":"mcwk8s06","targetRef":{"kind":"Pod","name":"mcwtest-deploy-5b4c8d9f7-p7z4m","namespace":"default"}}],"ports":[{"port":80,"protocol":"TCP"}]}]}
JSON
cat > "$out/pod.json" <<'JSON'
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"mcwtest-deploy-5b4c8d9f7-x2kq9","namespace":"default","labels":{"app":"mcwtest"}},"spec":{"nodeName":"mcwk8s05"},"status":{"phase":"Running","podIP":"172.17.89.10"}}
JSON
cat > "$out/node.json" <<'JSON'
{"apiVersion":"v1","kind":"Node","metadata":{"name":"mcwk8s05"},"spec":{"podCIDR":"172.17.89.0/24"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.35"}],"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.15.2"}}}
JSON
# flannel's ConfigMap where it runs as a DaemonSet: cni-conf.json as flannel's Documentation/kube-flannel.yml ships it
# (src/test/resources/shell/cni), net-conf.json the seed's network configuration
cat > "$out/configmap.json" <<'JSON'
{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kube-flannel-cfg","namespace":"kube-flannel"},"data":{"cni-conf.json":"{\n  \"name\": \"cbr0\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n      \"type\": \"flannel\",\n      \"delegate\": {\n        \"hairpinMode\": true,\n        \"isDefaultGateway\": true\n      }\n    },\n    {\n      \"type\": \"portmap\",\n      \"capabilities\": {\n        \"portMappings\": true\n      }\n    }\n  ]\n}\n","net-conf.json":"{\"Network\":\"172.17.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}"}}
JSON
kubectl version --client 2>&1 | head -1 > "$out/version.txt"
for name in service endpoints pod node configmap; do
  for format in json yaml; do
    kubectl patch --local -f "$out/$name.json" --type=merge -p '{}' -o "$format" > "$out/$name.$format.out" 2>&1 || true
  done
done
echo "captured into $out"
