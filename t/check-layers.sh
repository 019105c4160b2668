#!/bin/sh
# make check-layers: a private header (guard_<area>_int.h or
# guard_<area>_internal.h) may be included only by its own area: the
# files guard_<area>*.c beside it (or in its folder, for an area with a
# folder of its own, like src/lib/risk/) and that area's unit tests
# (t/unit/test_<area>*.c). Prints every crossing and fails on any.
cd "$(dirname "$0")/.." || exit 2
bad=0
for h in $(find src -name 'guard_*_int.h' -o -name 'guard_*_internal.h' | sort); do
	name=$(basename "$h")
	area=$(printf '%s\n' "$name" | sed -e 's/^guard_//' -e 's/_int\.h$//' -e 's/_internal\.h$//')
	dir=$(dirname "$h")
	for f in $(grep -rlE --include='*.c' --include='*.h' "#include \"([a-z]+/)?$name\"" src t 2>/dev/null | sort); do
		base=$(basename "$f")
		case "$f" in
		"$dir"/*) [ "$dir" != src/lib ] && continue ;;
		esac
		case "$base" in
		guard_"$area".c | guard_"$area"_*.c | guard_"$area".h | guard_"$area"_*.h) [ "$(dirname "$f")" = "$dir" ] && continue ;;
		test_"$area".c | test_"$area"_*.c) case "$f" in t/unit/*) continue ;; esac ;;
		esac
		echo "check-layers: $f includes $h, private to the $area area" >&2
		bad=1
	done
done
[ "$bad" -eq 0 ] && echo "check-layers: ok"
exit "$bad"
