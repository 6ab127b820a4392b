// tests/k8s/validate.mjs FILE... [--pod OUT]: every document of each FILE
// validated against Kubernetes' own OpenAPI schema (kubernetes-models, and
// the Prometheus operator's CRDs), offline. With --pod, the DaemonSet's pod
// template is written to OUT as a Pod (what `podman kube play` runs).
// Prints "FILE: KIND/NAME valid" per document; exits 1 on the first that is not.
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments, stringify } from "yaml";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Pod } from "kubernetes-models/v1/Pod";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";

const kinds = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Pod": Pod,
  "apps/v1/DaemonSet": DaemonSet,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
};

const args = process.argv.slice(2);
let podOut = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--pod") podOut = args[++i];
  else files.push(args[i]);
}
if (!files.length) {
  console.error("usage: validate.mjs FILE... [--pod OUT]");
  process.exit(2);
}

let daemonset = null;
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      console.error(`${file}: YAML: ${doc.errors[0].message}`);
      process.exit(1);
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const key = `${obj.apiVersion}/${obj.kind}`;
    const Model = kinds[key];
    const what = `${obj.kind}/${obj.metadata?.name}`;
    if (!Model) {
      console.error(`${file}: ${what}: no schema here for ${key}`);
      process.exit(1);
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      console.error(`${file}: ${what} invalid: ${e.message}`);
      process.exit(1);
    }
    console.log(`${file}: ${what} valid`);
    if (key === "apps/v1/DaemonSet") daemonset = obj;
  }
}

if (podOut) {
  if (!daemonset) {
    console.error("--pod: no DaemonSet in the files");
    process.exit(1);
  }
  // a DaemonSet's pod, as its controller would create it on a node
  const t = daemonset.spec.template;
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: daemonset.metadata.name, namespace: daemonset.metadata.namespace,
                labels: t.metadata.labels, annotations: t.metadata.annotations },
    spec: t.spec,
  };
  new Pod(pod).validate();
  writeFileSync(podOut, stringify(pod));
  console.log(`${podOut}: Pod/${pod.metadata.name} from the DaemonSet's template, valid`);
}
