# basket_groceries.sh: `ecrm analyze basket --input` reproduces the published
# counts: Groceries (R arules) 5,668 rules at support 0.001 and confidence
# 0.5, of lengths 2..6: 11, 1,461, 3,211, 939, 46; 120 rules at support
# 0.005; 333 frequent itemsets at 1 % and 13,492 at 0.1 %; FIMI retail.dat
# 159, 580 and 7,589 frequent itemsets at 1 %, 0.5 % and 0.1 %. A file run
# needs no database and stores nothing.
. "$(dirname "$0")/lib.inc"
groceries=$(data groceries/groceries_baskets.csv)
retail=$(data fimi/retail.dat)

# The members of a JSON object member "NAME":{...} (no nesting inside).
json_object() {
	printf '%s' "$1" | sed -n "s/.*\"$2\":{\\([^}]*\\)}.*/\\1/p"
}

out=$(ecrm --json analyze basket --input "$groceries" --min-support 0.001 --min-confidence 0.5)
expect_eq "$(json_field "$out" baskets)" 9835 "Groceries baskets"
expect_eq "$(json_field "$out" items)" 169 "Groceries items"
expect_eq "$(json_field "$out" itemsets)" 13492 "Groceries itemsets at 0.1 %"
expect_eq "$(json_field "$out" rules)" 5668 "Groceries rules at 0.001 / 0.5"
expect_eq "$(json_object "$out" rules_by_length)" '"2":11,"3":1461,"4":3211,"5":939,"6":46' \
	"Groceries rules by length"
expect_contains "$out" '"top":[{"antecedent":[' "top rules"
[ ! -e "$DB" ] || fail "a file run created the database"

out=$(ecrm --json analyze basket --input "$groceries" --min-support 0.005 --min-confidence 0.5)
expect_eq "$(json_field "$out" rules)" 120 "Groceries rules at 0.005 / 0.5"

out=$(ecrm --json analyze basket --input "$groceries" --min-support 0.01)
expect_eq "$(json_field "$out" itemsets)" 333 "Groceries itemsets at 1 %"

for case in "0.01 159" "0.005 580" "0.001 7589"; do
	set -- $case
	out=$(ecrm --json analyze basket --input "$retail" --min-support "$1" --max-len 0 --top 0)
	expect_eq "$(json_field "$out" baskets)" 88162 "retail baskets"
	expect_eq "$(json_field "$out" itemsets)" "$2" "retail itemsets at support $1"
done

# The text form names the counts too.
out=$(ecrm analyze basket --input "$groceries" --min-support 0.005 --top 3)
expect_contains "$out" "rules     120 (confidence >= 0.5" "text summary"
expect_contains "$out" "{tropical fruit, curd} => {yogurt}" "top rule by lift"

# The temporary command is gone; the old options still work under analyze.
if "$ECRM_BIN" analyze-basket --input "$groceries" >/dev/null 2>&1; then
	fail "analyze-basket still exists"
fi
status=0
ecrm analyze basket --input "$groceries" --by customer >/dev/null 2>&1 || status=$?
expect_eq "$status" 2 "--by with --input is a usage error"
echo "ok: basket counts through the CLI (Groceries, retail)"
