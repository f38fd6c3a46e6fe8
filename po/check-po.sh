#!/bin/sh
# Checks that every user-visible string reaches the translators and that
# every translation is complete, against the sources as they are now (not
# against a deskwatch.pot somebody may have forgotten to refresh).
# Usage: check-po.sh SOURCE-ROOT    (prints TAP)
set -u
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/why"; }

cd "$root" || exit 1

# 1. Every source that marks strings for translation is in POTFILES.in.
grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort > "$tmp/listed"
{
  grep -rlE '\b(_|N_|C_|NC_|g_dngettext)[[:space:]]*\(' src --include='*.c'
  grep -rl 'translatable="yes"' src data
  ls data/*.desktop.in data/*.metainfo.xml.in data/*.gschema.xml 2>/dev/null
} | sort -u > "$tmp/marked"
comm -23 "$tmp/marked" "$tmp/listed" > "$tmp/why"
if [ -s "$tmp/why" ]; then not_ok "sources with translatable strings are listed in po/POTFILES.in"
else ok "sources with translatable strings are listed in po/POTFILES.in"; fi

missing=$(while read -r f; do [ -e "$f" ] || echo "$f"; done < "$tmp/listed")
echo "$missing" | sed '/^$/d' > "$tmp/why"
if [ -s "$tmp/why" ]; then not_ok "every file in po/POTFILES.in exists"
else ok "every file in po/POTFILES.in exists"; fi

# 2. A fresh template, made the way meson's 'glib' preset makes it.
if xgettext --files-from=po/POTFILES.in --directory="$root" --output="$tmp/fresh.pot" \
     --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
     --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
     --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format \
     --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
     --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
     --flag=g_string_append_printf:2:c-format --flag=g_set_error:4:c-format \
     2> "$tmp/why"; then
  ok "xgettext extracts the strings"
else
  not_ok "xgettext extracts the strings"
  echo "1..$n"; exit 1
fi

# 3. Each language translates every string of the fresh template, with
#    format strings that match the source (msgfmt --check).
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/$lang.po" \
    "po/$lang.po" "$tmp/fresh.pot" 2> "$tmp/why" \
  && msgfmt --check --statistics --output-file=/dev/null "$tmp/$lang.po" \
       > "$tmp/stats" 2>&1
  status=$?
  grep -v '^$' "$tmp/stats" >> "$tmp/why" 2>/dev/null
  if [ $status -ne 0 ] || grep -qE 'untranslated|fuzzy' "$tmp/stats"; then
    msgattrib --untranslated --only-fuzzy --no-wrap "$tmp/$lang.po" 2>/dev/null \
      | grep '^msgid' | head -20 >> "$tmp/why"
    msgattrib --untranslated --no-wrap "$tmp/$lang.po" 2>/dev/null \
      | grep '^msgid ' | sed 1d | head -20 >> "$tmp/why"
    not_ok "po/$lang.po translates every string of the current sources"
  else
    ok "po/$lang.po translates every string of the current sources ($(cat "$tmp/stats"))"
  fi
done

echo "1..$n"
[ $fails -eq 0 ]
