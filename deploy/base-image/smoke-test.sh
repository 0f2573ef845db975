#!/usr/bin/env bash
# Runs an image tarball that jib:buildTar wrote without a container engine: unpacks its layers, then runs its
# entrypoint in a chroot as the image's user (65532) with the image's environment and working directory.
# Root only (chroot, bind-mounting /proc). Arguments after the tarball go to the service's main class, e.g.
#
#   sudo deploy/base-image/smoke-test.sh trainer-service/target/jib-image.tar bench --teacher=/app/models/default --iterations=3
#
# It proves what an engine would run: the JRE starts, the classpath is complete, libtorch loads offline, as non-root.
set -euo pipefail
image=$(readlink -f "$1"); shift
dir=$(mktemp -d)
trap 'umount "$dir/rootfs/proc" "$dir/rootfs/dev" 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p "$dir/oci" "$dir/rootfs"
tar -xf "$image" -C "$dir/oci"
python3 - "$dir" <<'PY' > "$dir/run.sh"
import json, shlex, sys
d = sys.argv[1]
blob = lambda digest: f"{d}/oci/blobs/sha256/{digest.split(':')[1]}"
index = json.load(open(f"{d}/oci/index.json"))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
config = json.load(open(blob(manifest["config"]["digest"])))["config"]
for layer in manifest["layers"]:
    print(f"tar --warning=no-unknown-keyword -xzf {blob(layer['digest'])} -C {d}/rootfs")
env = " ".join(shlex.quote(e) for e in config.get("Env", []))
entry = " ".join(shlex.quote(a) for a in config["Entrypoint"] + config.get("Cmd", []))
# what a container engine provides: /proc and /dev (urandom)
print(f"mkdir -p {d}/rootfs/proc {d}/rootfs/dev && mount --bind /proc {d}/rootfs/proc && mount --bind /dev {d}/rootfs/dev")
print(f'chroot --userspec={config.get("User", "65532:65532")} {d}/rootfs /bin/bash -c '
      + shlex.quote(f'export {env}; cd {config.get("WorkingDir", "/")} && exec {entry} "$@"') + ' smoke "$@"')
PY
bash "$dir/run.sh" "$@"
