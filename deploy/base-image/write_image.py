"""Writes a folder as a one-layer image in docker-archive format (what `docker save` writes; Jib reads it as a
`tar://` base). Files belong to root, except the folders the services write: /tmp (1777), /home/nonroot and the
blob store mount point (65532). Usage: write_image.py ROOTFS OUT.tar JAVA_VERSION"""
import hashlib
import io
import json
import os
import sys
import tarfile

rootfs, out, java_version = sys.argv[1], sys.argv[2], sys.argv[3]
OWNED = {"home/nonroot": 0o755, "var/lib/ladd/blobs": 0o750}
EPOCH = 0  # reproducible: the same packages give the same bytes


def normalize(info):
    name = info.name[2:] if info.name.startswith("./") else info.name
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = EPOCH
    if name == "tmp":
        info.mode = 0o1777
    elif name in OWNED:
        info.uid = info.gid = 65532
        info.uname = info.gname = "nonroot"
        info.mode = OWNED[name]
    return info


layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
    for directory, dirs, files in os.walk(rootfs):
        dirs.sort()
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(directory, name)
            tar.add(path, arcname=os.path.relpath(path, rootfs), recursive=False, filter=normalize)
layer_bytes = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()

config = {
    "architecture": "amd64",
    "os": "linux",
    "created": "1970-01-01T00:00:00Z",
    "config": {
        "User": "65532:65532",
        "Env": ["PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "HOME=/home/nonroot",
                "LANG=C.UTF-8", "JAVA_VERSION=" + java_version],
        "WorkingDir": "/app",
        "Labels": {"org.opencontainers.image.title": "ladd-base",
                   "org.opencontainers.image.description": "jlink JRE 17 on Debian glibc/libstdc++, user 65532"},
    },
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "deploy/base-image/build.sh"}],
}
config_bytes = json.dumps(config, sort_keys=True).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
manifest = [{"Config": config_name, "RepoTags": ["ladd/base:17"], "Layers": ["layer.tar"]}]

with tarfile.open(out, mode="w") as image:
    for name, data in ((config_name, config_bytes), ("layer.tar", layer_bytes),
                       ("manifest.json", json.dumps(manifest).encode())):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = EPOCH
        image.addfile(info, io.BytesIO(data))
print(f"{out}: layer {len(layer_bytes) / 2**20:.1f} MiB, {diff_id}")
