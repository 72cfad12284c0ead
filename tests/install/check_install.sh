#!/bin/sh
# Installs parcompare into a temporary prefix and uses it as an outside user
# would: an outside project (tests/install/consumer) built against it twice,
# with find_package and with pkg-config, and the installed programs run from
# the prefix. Every check prints what it found when it fails; exit 0 all
# passed, 1 a check failed, 77 skipped (with the reason).
#
#   check_install.sh tree    <src> <build> <cc> <sanitize> <parts> <programs> <help2man>
#                            <helpers> <libexecdir>
#       installs the build tree <build> (this configuration, libraries as
#       built: static unless BUILD_SHARED_LIBS), then MOVES the prefix, so the
#       programs, the CMake package and the pkg-config files must all work
#       from where they are and nothing may point back into the build tree.
#   check_install.sh shared  <src> <build> <cc> <sanitize> <parts> <programs> <help2man>
#                            <helpers> <libexecdir>
#       configures and builds <src> afresh with BUILD_SHARED_LIBS=ON (tests
#       off), installs it and deletes that build tree before the checks.
# Whenever shared libraries were installed it also checks their SONAMEs and,
# with nm -D, that the public API is exported and no par__ symbol is.
# <parts> and <programs> are ';'-separated lists of what this configuration
# built; <help2man> is 1 when man pages were built; <helpers> the programs
# parcompare runs from <libexecdir>/parcompare (bench_overhead), if any.
set -eu

mode=$1 src=$2 build=$3 cc=$4 sanitize=$5 parts=$6 programs=$7 help2man=$8
helpers=${9:-} libexecdir=${10:-libexec}
libexec_from_bin=../$libexecdir/parcompare   # as parcompare spells it (bin and libexec: one level)
parts=$(echo "$parts" | tr ';' ' ')
programs=$(echo "$programs" | tr ';' ' ')
helpers=$(echo "$helpers" | tr ';' ' ')

fail() { echo "install test ($mode): $*" >&2; exit 1; }
say() { echo "install test ($mode): $*"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/parcompare-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

case $sanitize in
    address) sanflags="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
    thread) sanflags="-fsanitize=thread" ;;
    *) sanflags="" ;;
esac

# ---- install ------------------------------------------------------------------
if [ "$mode" = shared ]; then
    if [ -n "$sanitize" ]; then
        echo "install test (shared): skipped under PAR_SANITIZE=$sanitize: it builds its own" \
             "uninstrumented shared build, so it would test nothing the release suite does not"
        exit 77
    fi
    withomp=OFF; withmpi=OFF
    for p in $parts; do
        [ "$p" = omp ] && withomp=ON
        [ "$p" = mpi ] && withmpi=ON
    done
    say "building $src with BUILD_SHARED_LIBS=ON"
    cmake -S "$src" -B "$tmp/build" -DBUILD_SHARED_LIBS=ON -DPAR_BUILD_TESTS=OFF \
          -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" \
          -DPAR_WITH_OPENMP=$withomp -DPAR_WITH_MPI=$withmpi >"$tmp/configure.log" 2>&1 ||
        { cat "$tmp/configure.log"; fail "configuring the shared build failed"; }
    # Only what is installed (the examples and benchmarks are not).
    targets=""
    for p in $parts; do targets="$targets par_$p"; done
    targets="$targets $programs $helpers"
    [ "$help2man" = 1 ] && targets="$targets par_man_pages"
    # shellcheck disable=SC2086  # $targets is a list
    cmake --build "$tmp/build" -j 2 --target $targets >"$tmp/build.log" 2>&1 ||
        { tail -50 "$tmp/build.log"; fail "the shared build failed"; }
    cmake --install "$tmp/build" --prefix "$tmp/staged" >"$tmp/install.log" 2>&1 ||
        { cat "$tmp/install.log"; fail "cmake --install failed"; }
    rm -rf "$tmp/build"
else
    cmake --install "$build" --prefix "$tmp/staged" >"$tmp/install.log" 2>&1 ||
        { cat "$tmp/install.log"; fail "cmake --install $build failed"; }
fi
# A prefix must work wherever it ends up: move it before using it.
mv "$tmp/staged" "$tmp/prefix"
prefix=$tmp/prefix
say "installed into a prefix, then moved it to $prefix"

# ---- what was installed ----------------------------------------------------------
for p in $programs; do
    [ -x "$prefix/bin/$p" ] || fail "bin/$p is not installed"
    if [ "$help2man" = 1 ]; then
        [ -s "$prefix/share/man/man1/$p.1" ] || fail "share/man/man1/$p.1 is not installed"
    fi
done
for p in $parts; do
    ls "$prefix"/lib*/libparcompare-"$p".* >/dev/null 2>&1 || fail "no libparcompare-$p installed"
    [ -f "$prefix/lib/pkgconfig/parcompare-$p.pc" ] || fail "no parcompare-$p.pc"
done
[ -f "$prefix/lib/cmake/parcompare/parcompareConfig.cmake" ] || fail "no CMake package"
[ -f "$prefix/lib/cmake/parcompare/parcompareConfigVersion.cmake" ] || fail "no version file"
ls "$prefix"/share/doc/parcompare/examples/slurm/*.sbatch >/dev/null 2>&1 ||
    fail "the Slurm scripts are not installed as examples"
[ -f "$prefix/share/parcompare/python/gil_demo.py" ] || fail "the Python ports are not installed"

# Only public headers: the private ones are named, and no installed header
# may declare anything internal (a par__ name after preprocessing: comments
# may mention them).
for h in chan.h future_internal.h mpmc.h ring.h sync_internal.h grain_threads.h \
         omp_internal.h proc_internal.h mpi_internal.h mpi_core.h registry.h; do
    [ ! -e "$prefix/include/parcompare/$h" ] || fail "private header $h is installed"
done
# Each public header stands alone under strict C11 (its own includes suffice).
for h in "$prefix"/include/parcompare/*.h; do
    printf '#include <parcompare/%s>\nint main(void) { return 0; }\n' "${h##*/}" >"$tmp/one.c"
    $cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$prefix/include" -c "$tmp/one.c" \
        -o "$tmp/one.o" 2>"$tmp/one.log" ||
        { cat "$tmp/one.log"; fail "<parcompare/${h##*/}> does not compile on its own"; }
    if $cc -std=c11 -E -P -I"$prefix/include" "$tmp/one.c" | grep -n 'par__' >"$tmp/leaky"; then
        fail "<parcompare/${h##*/}> declares internals: $(head -3 "$tmp/leaky")"
    fi
done
say "files: programs, libraries, package, pkg-config, man pages, headers (public only)"

# ---- shared libraries: SONAME and exported symbols ---------------------------
shared=0
ls "$prefix"/lib/libparcompare-common.so >/dev/null 2>&1 && shared=1
[ "$mode" = shared ] && [ $shared = 0 ] && fail "BUILD_SHARED_LIBS=ON installed no .so"
if [ $shared = 1 ]; then
    for p in $parts; do
        so=""
        for f in "$prefix"/lib/libparcompare-"$p".so.*.*.*; do
            [ -f "$f" ] && so=$f
        done
        [ -n "$so" ] || fail "no versioned libparcompare-$p.so.X.Y.Z"
        soname=$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')
        case $soname in
            libparcompare-"$p".so.[0-9]*) ;;
            *) fail "${so##*/}: SONAME is '$soname'" ;;
        esac
        nm -D --defined-only "$so" | awk '{ print $NF }' >"$tmp/syms-$p"
        if grep '^par__' "$tmp/syms-$p" >"$tmp/bad"; then
            fail "${so##*/} exports internal symbols: $(tr '\n' ' ' <"$tmp/bad")"
        fi
        if grep -v '^par_' "$tmp/syms-$p" | grep -v '^_' >"$tmp/bad"; then
            fail "${so##*/} exports symbols outside the par_ namespace: $(tr '\n' ' ' <"$tmp/bad")"
        fi
    done
    for want in common:par_strerror pthread:par_pool_submit pthread:par_future_result \
                proc:par_proc_map; do
        grep -qx "${want#*:}" "$tmp/syms-${want%%:*}" ||
            fail "libparcompare-${want%%:*}.so does not export ${want#*:}"
    done
    say "shared libraries: SONAME libparcompare-<part>.so.$(echo "$soname" | sed 's/.*\.so\.//'), no par__ symbol exported"
fi

# ---- the installed programs, run from the prefix --------------------------------
version=$(sed -n 's/^Version: //p' "$prefix/lib/pkgconfig/parcompare-common.pc")
for p in $programs; do
    out=$("$prefix/bin/$p" --version) || fail "$p --version failed"
    [ "$out" = "$p $version" ] || fail "$p --version printed '$out', want '$p $version'"
done
out=$("$prefix/bin/poolmap" --backend pthread -j 2 --workload map --items 1000 --reps 1 \
      --warmup 0 2>&1) || { echo "$out"; fail "installed poolmap could not run a map"; }
case " $programs " in *" parcompare "*)
    # parcompare runs poolmap/parmap from its own folder: the prefix's bin.
    "$prefix/bin/parcompare" --workloads map --backends serial,pthread --workers 1 \
        --items 1000 --reps 1 --warmup 0 --no-story --out "$tmp/pc-out" \
        >"$tmp/pc.log" 2>&1 || { cat "$tmp/pc.log"; fail "installed parcompare failed"; }
    [ -s "$tmp/pc-out/results.json" ] || fail "installed parcompare wrote no results.json"
esac
for h in $helpers; do
    [ -x "$prefix/$libexecdir/parcompare/$h" ] || fail "$libexecdir/parcompare/$h is not installed"
done
case " $programs $helpers " in *" parcompare "*" bench_overhead "*)
    # The overhead suite, run by the installed parcompare from the moved
    # prefix's libexec: a measured row, not "bench_overhead was not found".
    "$prefix/bin/parcompare" --overhead --workloads map --backends serial,pthread \
        --workers 1 --items 1000 --reps 1 --warmup 0 --no-story --out "$tmp/pc-oh" \
        >"$tmp/pc-oh.log" 2>&1 || { cat "$tmp/pc-oh.log"; fail "installed parcompare --overhead failed"; }
    oh=$(tr -d ' \t\n' <"$tmp/pc-oh/results.json" | sed -n 's/.*"overhead":{//p')
    echo "$oh" | grep -q "\"backend\":\"pthread\",\"command\":\"$prefix/bin/$libexec_from_bin/bench_overhead" &&
        echo "$oh" | grep -q '"status":"ok"' ||
        { cat "$tmp/pc-oh.log"; fail "installed parcompare did not run $libexecdir/parcompare/bench_overhead"; }
    say "parcompare runs the overhead suite from $libexecdir/parcompare"
esac
say "programs: --version prints $version; poolmap and parcompare run from the prefix"

# ---- an outside project, with find_package ------------------------------------
cmake -S "$src/tests/install/consumer" -B "$tmp/consumer-cmake" \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_C_FLAGS="-Wall -Wextra -Werror $sanflags" \
      -DCMAKE_EXE_LINKER_FLAGS="$sanflags" >"$tmp/c1.log" 2>&1 ||
    { cat "$tmp/c1.log"; fail "the consumer project did not configure (find_package)"; }
cmake --build "$tmp/consumer-cmake" >>"$tmp/c1.log" 2>&1 ||
    { cat "$tmp/c1.log"; fail "the consumer project did not build (find_package)"; }
"$tmp/consumer-cmake/consumer" || fail "the consumer (find_package) failed"

# ---- the CMake package: versions and components ------------------------------
# A probe project asks for every installed part by name and links a symbol of
# each (omp and mpi bring OpenMP::OpenMP_C and MPI::MPI_C through
# find_dependency); then a version this install cannot satisfy and a
# component it does not have must both make find_package fail.
mkdir -p "$tmp/probe"
cat >"$tmp/probe/CMakeLists.txt" <<'PROBE'
cmake_minimum_required(VERSION 3.25)
project(probe LANGUAGES C)
find_package(parcompare ${WANT} REQUIRED COMPONENTS ${PARTS})
add_executable(probe probe.c)
foreach(part IN LISTS PARTS)
  target_link_libraries(probe PRIVATE parcompare::${part})
  string(TOUPPER ${part} PART)
  target_compile_definitions(probe PRIVATE HAVE_${PART}=1)
endforeach()
PROBE
cat >"$tmp/probe/probe.c" <<'PROBE'
#include <stdio.h>
#include <parcompare/backend.h>
#ifdef HAVE_PTHREAD
#include <parcompare/par_pthread.h>
#endif
#ifdef HAVE_PROC
#include <parcompare/par_proc.h>
#endif
#ifdef HAVE_CORO
#include <parcompare/coro.h>
#endif
#ifdef HAVE_OMP
#include <parcompare/par_omp.h>
#endif
#ifdef HAVE_MPI
#include <parcompare/par_mpi.h>
#endif
int main(void)
{
    printf("%s", par_backend_serial.name);
#ifdef HAVE_PTHREAD
    printf(" %s %s", par_backend_pthread.name, par_backend_gil.name);
#endif
#ifdef HAVE_PROC
    printf(" %s", par_backend_proc.name);
#endif
#ifdef HAVE_CORO
    int (*volatile next)(struct par_coro *, int64_t *) = par_coro_next;
    printf(" %s", next ? "coro" : "?");
#endif
#ifdef HAVE_OMP
    printf(" %s", par_backend_omp.name);
#endif
#ifdef HAVE_MPI
    printf(" %s", par_backend_mpi.name);
#endif
    printf("\n");
    return 0;
}
PROBE
probe() {  # probe <build dir> <version> <parts...>
    d=$1 want=$2
    shift 2
    cmake -S "$tmp/probe" -B "$tmp/$d" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
          -DCMAKE_C_FLAGS="$sanflags" -DCMAKE_EXE_LINKER_FLAGS="$sanflags" \
          -DWANT="$want" -DPARTS="$(echo "$@" | tr ' ' ';')" >"$tmp/$d.log" 2>&1
}
major_minor=$(echo "$version" | cut -d. -f1,2)
# shellcheck disable=SC2086  # $parts is a list
probe probe-all "$major_minor" $parts ||
    { cat "$tmp/probe-all.log"; fail "find_package(parcompare $major_minor COMPONENTS $parts) failed"; }
cmake --build "$tmp/probe-all" >>"$tmp/probe-all.log" 2>&1 ||
    { cat "$tmp/probe-all.log"; fail "the probe linking every part did not build"; }
out=$("$tmp/probe-all/probe") || fail "the probe linking every part failed"
say "find_package(parcompare $major_minor COMPONENTS $parts): back ends $out"
if probe probe-new 99.0 common; then
    fail "find_package(parcompare 99.0) accepted version $version"
fi
grep -q 'compatible with requested version' "$tmp/probe-new.log" ||
    { cat "$tmp/probe-new.log"; fail "find_package(parcompare 99.0) failed for another reason"; }
if probe probe-nope "$major_minor" common nope; then
    fail "find_package(parcompare COMPONENTS nope) succeeded"
fi
grep -q "component 'nope' is not in this installation" "$tmp/probe-nope.log" ||
    { cat "$tmp/probe-nope.log"; fail "COMPONENTS nope failed for another reason"; }

# ---- the same program, with pkg-config ----------------------------------------
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
static=--static     # static libraries need their Libs.private too
[ $shared = 1 ] && static=
for p in $parts; do
    pkg-config --exists "parcompare-$p" || fail "pkg-config does not accept parcompare-$p.pc"
done
# shellcheck disable=SC2046,SC2086  # pkg-config's output is a list of flags
$cc -std=c11 -Wall -Wextra -Werror $sanflags -o "$tmp/consumer-pc" \
    "$src/tests/install/consumer/app.c" \
    $(pkg-config $static --cflags --libs parcompare-pthread parcompare-proc) \
    -Wl,-rpath,"$prefix/lib" 2>"$tmp/c2.log" ||
    { cat "$tmp/c2.log"; fail "the consumer did not build with pkg-config"; }
"$tmp/consumer-pc" || fail "the consumer (pkg-config) failed"
say "the consumer project built and passed with find_package and with pkg-config"
