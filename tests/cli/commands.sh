# commands.sh: the command line end to end: help, init, imports with bad
# rows (reported with line and column, kept out, the rest kept), customers
# list/search/show/duplicates/merge/unmerge, usage errors.
. "$(dirname "$0")/lib.inc"

out=$("$ECRM_BIN" help)
expect_contains "$out" "import" "help lists import"
out=$("$ECRM_BIN" help import)
expect_contains "$out" "--map COLUMN=FIELD" "help import"
"$ECRM_BIN" nosuchcommand 2>/dev/null && fail "unknown command must fail"
[ $? -eq 2 ] || true
out=$(ecrm stats 2>&1) && fail "stats without a database must fail"
expect_contains "$out" "ecrm init" "missing database message"

out=$(ecrm init)
expect_contains "$out" "schema version 0 ->" "init"
out=$(ecrm init)
expect_contains "$out" "up to date" "init again"

cat >"$TMP/orders.csv" <<'CSV'
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1001,A1,MUG,2,2024-01-05 10:00:00,3.50,C1,United Kingdom
1002,A2,BAD DATE,1,2024-02-30 10:00:00,1.00,C2,France
1003,A3,PLATE,1,2024-01-06 11:00:00,4.00,C2,France
CSV
out=$(ecrm --quiet import orders "$TMP/orders.csv" 2>"$TMP/err.txt")
err=$(cat "$TMP/err.txt")
expect_contains "$err" "orders.csv:3:5 (InvoiceDate): day 30 is past the end of February" "bad row report"
expect_contains "$out" "2 new" "good rows kept"
[ -f "$TMP/orders.csv.errors.csv" ] || fail "errors file missing"
expect_contains "$(cat "$TMP/orders.csv.errors.csv")" "3,5," "errors file has line and column"

cat >"$TMP/customers.csv" <<'CSV'
Customer ID,Name,Email,Phone,Postcode
C1,Ann Lee,ann@example.com,07700 900123,LS1 4AP
C3,Anne Lee,,07700 900999,ls1 4ap
C4,王芳,wang.fang@example.cn,,100000
CSV
out=$(ecrm --quiet --json import customers "$TMP/customers.csv" --format generic)
expect_eq "$(json_field "$out" customers_new)" 2 "new customers"
expect_eq "$(json_field "$out" customers_updated)" 1 "C1 updated by its shop id"

out=$(ecrm customers search 王)
expect_contains "$out" "王芳" "Chinese search by one character"
out=$(ecrm --json customers search ann@example.com)
expect_contains "$out" "\"external_id\":\"C1\"" "search by email"
out=$(ecrm customers list --limit 2)
expect_contains "$out" "--after" "list pages"
out=$(ecrm --json customers duplicates)
expect_contains "$out" '"a":1,"b":3' "Ann Lee and Anne Lee at one postcode"
expect_contains "$out" '"same_postcode":true' "duplicates JSON"

# Merge C2 (id 2) into C1 (id 1), then undo.
out=$(ecrm customers merge 1 2)
expect_contains "$out" "unmerge 2" "merge"
expect_eq "$(json_field "$(ecrm stats --json)" merged_customers)" 1 "one merged"
out=$(ecrm --json customers show 1)
expect_contains "$out" "\"orders\":2" "orders moved to the kept customer"
ecrm customers unmerge 2 >/dev/null
expect_eq "$(json_field "$(ecrm stats --json)" merged_customers)" 0 "unmerged"
out=$(ecrm --json customers show 1)
expect_contains "$out" "\"orders\":1" "orders moved back"
ecrm customers merge 1 1 2>/dev/null && fail "self-merge must fail"
ecrm import orders 2>/dev/null && fail "import without a file must fail"

# Numbers that are not numbers, or out of range, are usage errors (exit 2)
# that say which option and what it wants.
# usage_error WHAT EXPECTED ARGS...: `ecrm ARGS` must exit 2 saying EXPECTED.
usage_error() {
	what=$1 expected=$2
	shift 2
	st=0
	ecrm "$@" >/dev/null 2>"$TMP/err.txt" || st=$?
	expect_eq "$st" 2 "$what: exit status"
	expect_contains "$(cat "$TMP/err.txt")" "$expected" "$what"
}
usage_error "list --limit" "--limit wants 1 to 1000, not 'abc'" customers list --limit abc
usage_error "list --limit 0" "--limit wants 1 to 1000, not '0'" customers list --limit 0
usage_error "duplicates --min-score" "--min-score wants 0 to 1, not 'high'" \
	customers duplicates --min-score high
usage_error "duplicates --limit" "--limit wants 1 to 100000, not '-1'" \
	customers duplicates --limit -1
usage_error "import --batch" "--batch wants a number of rows (1 or more), not '0'" \
	import orders "$TMP/orders.csv" --batch 0
usage_error "analyze --k" "--k: 'two' is not a whole number" analyze clusters --k two
usage_error "analyze --discount-rate" "--discount-rate: ' 0.1' is not a number" \
	analyze clv --discount-rate " 0.1"
usage_error "audit --limit" "--limit wants 1 to 1000000, not '10x'" audit list --limit 10x
echo "ok: usage errors"

# ecrm.conf's [import] section: the day/month order of numeric dates, and a
# clear refusal of a value that is not one.
# with_import_conf SETTINGS ARGS...: `ecrm ARGS` with [import] SETTINGS added
# to whatever configuration the run uses.
with_import_conf() {
	conf="$TMP/import.conf"
	{ [ -f "$TMP/ecrm.ini" ] && cat "$TMP/ecrm.ini"; printf '[import]\n%s\n' "$1"; } >"$conf"
	shift
	"$ECRM_BIN" --config "$conf" --db "$DB" "$@"
}
cat >"$TMP/dmy.csv" <<'CSV'
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
2001,A1,MUG,1,04/05/2024 10:00,3.50,C1,United Kingdom
CSV
with_import_conf "date_order = dmy" --quiet import orders "$TMP/dmy.csv" >/dev/null
# 4 May 2024 10:00 UTC, not 5 April.
expect_eq "$(db_sql "SELECT placed_at FROM orders WHERE external_id = '2001'")" 1714816800 \
	"date_order = dmy"
st=0
with_import_conf "date_order = d/m/y" import orders "$TMP/dmy.csv" >/dev/null 2>"$TMP/err.txt" ||
	st=$?
expect_eq "$st" 1 "a date_order that is not one: exit status"
expect_contains "$(cat "$TMP/err.txt")" "[import] date_order: 'd/m/y' is not mdy, dmy or ymd" \
	"a date_order that is not one"
echo "ok: [import] settings"

# Writes made at the command line are in the audit log, by cli:LOGIN.
ecrm apikey create --role analyst --name audited >/dev/null 2>&1
key_id=$(ecrm --json apikey list | sed -n 's/.*"id":\([0-9]*\),"name":"audited".*/\1/p')
ecrm apikey revoke "$key_id" >/dev/null
echo "correct horse battery" | ecrm user add audited@example.com --role viewer >/dev/null
out=$(ecrm --json audit list --limit 1000000)
login=$(id -un)
expect_contains "$out" "\"actor\":\"cli:$login\",\"action\":\"apikey.create\",\"target\":\"apikey:$key_id\"" \
	"apikey create audited"
expect_contains "$out" "\"action\":\"apikey.revoke\",\"target\":\"apikey:$key_id\"" "apikey revoke audited"
expect_contains "$out" "\"actor\":\"cli:$login\",\"action\":\"user.create\",\"target\":\"user:" \
	"user add audited"
echo "ok: command-line writes audited"


# The personal-data key: made by init, mode 0600, rotated by rekey.
[ -f "$KEY" ] || fail "init made no key file"
expect_eq "$(stat -c %a "$KEY")" 600 "key file mode"
before=$(ecrm --json customers show 1)
out=$(ecrm rekey)
expect_contains "$out" "re-sealed" "rekey"
expect_eq "$(ecrm --json customers show 1)" "$before" "data readable after rekey"
[ -f "$KEY.old" ] || fail "rekey keeps the old key"
ECRM_KEY=$(cat "$KEY.old") "$ECRM_BIN" $CONFIG_ARGS --db "$DB" stats 2>"$TMP/err.txt" &&
	fail "the old key must be refused"
expect_contains "$(cat "$TMP/err.txt")" "not the one" "old key refused"
echo "ok: rekey"
