# Sourced by bin/ and .ci/ scripts (with $root set to the checkout): facts about the build that the
# scripts would otherwise repeat.
#   privspark_version        the project version: the parent pom.xml's <revision> property, its one home
#   privspark_modules        the reactor's modules, from the parent pom.xml
#   privspark_stale FILE...  true when a FILE is missing or older than any module's main sources or pom

privspark_version() {
  # Every pom says <version>${revision}</version>; the parent's properties set <revision> once.
  sed -n 's#^ *<revision>\(.*\)</revision>#\1#p' "$root/pom.xml" | head -n 1
}

privspark_modules() {
  sed -n 's#^ *<module>\(.*\)</module>#\1#p' "$root/pom.xml"
}

privspark_stale() {
  local f m
  local inputs=("$root/pom.xml")
  for m in $(privspark_modules); do
    inputs+=("$root/$m/pom.xml")
    [ -d "$root/$m/src/main" ] && inputs+=("$root/$m/src/main")
  done
  for f in "$@"; do
    [ -f "$f" ] || return 0
    [ -n "$(find "${inputs[@]}" -newer "$f" -print -quit 2>/dev/null)" ] && return 0
  done
  return 1
}
