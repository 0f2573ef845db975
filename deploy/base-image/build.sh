#!/usr/bin/env bash
# Assembles the services' base image without any container registry or Docker engine: a JRE made by jlink from
# this machine's JDK 17 (Debian's openjdk-17-jdk-headless ships the jmods) on the few Debian packages that the JVM
# and libtorch link against (glibc, libstdc++, libgcc, zlib) plus bash (for health checks), with user 65532.
# Writes target/ladd-base.tar (docker-archive format), which Jib takes as a base:
#
#   deploy/base-image/build.sh
#   ./mvnw -B -pl trainer-service -am package jib:buildTar -DskipTests -Dladd.image.base=tar://$PWD/target/ladd-base.tar
#
# Needs: a Debian/Ubuntu host (apt-get download, dpkg-deb) with openjdk-17-jdk-headless and python3. See
# docs/adr/011-container-images-and-helm-chart.md for why this exists beside the registry base.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$repo/target/ladd-base
out=$repo/target/ladd-base.tar
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}
[ -f "$java_home/jmods/java.base.jmod" ] || { echo "no jmods in $java_home: install openjdk-17-jdk-headless (or set JAVA_HOME)" >&2; exit 1; }
"$java_home/bin/java" -version 2>&1 | grep -q 'version "17' || { echo "$java_home is not a JDK 17" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/debs" "$work/rootfs"
# glibc (the JVM, libtorch), libstdc++ + libgcc (libtorch, libjvm), zlib (libzip), bash + libtinfo (health checks)
packages=(libc6 libgcc-s1 libstdc++6 zlib1g bash libtinfo6)
(cd "$work/debs" && apt-get download "${packages[@]}")
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/rootfs"; done
rm -rf "$work"/rootfs/usr/share/{doc,man,info,locale,lintian,bash-completion,bug,menu} "$work"/rootfs/usr/share/gcc \
       "$work"/rootfs/usr/lib/x86_64-linux-gnu/gconv "$work"/rootfs/etc/{skel,bash.bashrc,default} \
       "$work"/rootfs/usr/bin/bashbug "$work"/rootfs/sbin "$work"/rootfs/usr/sbin "$work"/rootfs/usr/lib/x86_64-linux-gnu/audit

# the JRE: the Java SE modules plus what Spring Boot, Kafka and DJL reach through reflection or at run time
modules=java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.management,jdk.management.agent,jdk.jfr,jdk.naming.dns,jdk.localedata,jdk.charsets,jdk.net,jdk.httpserver
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" --include-locales=en \
    --strip-debug --no-man-pages --no-header-files --compress=2 --output "$work/rootfs/opt/java"

mkdir -p "$work"/rootfs/{tmp,app,etc,var/lib/ladd/blobs,home/nonroot}
cat > "$work/rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
printf 'root:x:0:\nnonroot:x:65532:\n' > "$work/rootfs/etc/group"
printf 'hosts: files dns\n' > "$work/rootfs/etc/nsswitch.conf"
# the dynamic linker finds /lib and /usr/lib's multiarch folders by itself; a cache makes it quicker
/sbin/ldconfig -r "$work/rootfs" 2>/dev/null || true

python3 "$(dirname "$0")/write_image.py" "$work/rootfs" "$out" \
    "$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.runtime.version = //p')"
ls -l "$out"
