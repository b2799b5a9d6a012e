# basket_db.sh: `ecrm analyze basket` and `ecrm analyze recommend` on a small
# shop worked out by hand. Orders (guest 1007; P is postage; C1009 is a
# cancellation, which is not a basket):
#   1001 C1 {A,B}   1002 C1 {A,B,C}   1003 C2 {A,B,P}   1004 C2 {D,P}
#   1005 C3 {A,C,P} 1006 C4 {B,C,E}   1007 -- {A,B}     1008 C5 {D,E,E}
# Without P, at support 0.25 (2 of 8 baskets): items A5 B5 C3 D2 E2, pairs
# AB 4, AC 2, BC 2: 8 itemsets. Rules at confidence 0.5: {} => A, {} => B
# (5/8), A => B, B => A (0.8, lift 0.8 / (5/8) = 1.28), C => A, C => B (2/3).
. "$(dirname "$0")/lib.inc"
cat >"$TMP/shop.csv" <<'CSV'
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1001,A,MUG,1,2024-01-01 10:00:00,3.00,C1,United Kingdom
1001,B,PLATE,2,2024-01-01 10:00:00,4.00,C1,United Kingdom
1002,A,MUG,1,2024-01-10 10:00:00,3.00,C1,United Kingdom
1002,B,PLATE,1,2024-01-10 10:00:00,4.00,C1,United Kingdom
1002,C,BOWL,1,2024-01-10 10:00:00,5.00,C1,United Kingdom
1003,A,MUG,1,2024-01-02 10:00:00,3.00,C2,France
1003,B,PLATE,1,2024-01-02 10:00:00,4.00,C2,France
1003,P,POSTAGE,1,2024-01-02 10:00:00,9.00,C2,France
1004,D,SPOON,3,2024-02-01 10:00:00,1.00,C2,France
1004,P,POSTAGE,1,2024-02-01 10:00:00,9.00,C2,France
1005,A,MUG,1,2024-01-03 10:00:00,3.00,C3,Germany
1005,C,BOWL,1,2024-01-03 10:00:00,5.00,C3,Germany
1005,P,POSTAGE,1,2024-01-03 10:00:00,9.00,C3,Germany
1006,B,PLATE,1,2024-01-04 10:00:00,4.00,C4,United Kingdom
1006,C,BOWL,1,2024-01-04 10:00:00,5.00,C4,United Kingdom
1006,E,CANDLE,1,2024-01-04 10:00:00,2.00,C4,United Kingdom
1007,A,MUG,1,2024-01-05 10:00:00,3.00,,United Kingdom
1007,B,PLATE,1,2024-01-05 10:00:00,4.00,,United Kingdom
1008,D,SPOON,1,2024-01-06 10:00:00,1.00,C5,United Kingdom
1008,E,CANDLE,1,2024-01-06 10:00:00,2.00,C5,United Kingdom
1008,E,CANDLE,2,2024-01-06 10:00:00,2.00,C5,United Kingdom
C1009,A,MUG,-1,2024-01-07 10:00:00,3.00,C1,United Kingdom
CSV
json_object() {
	printf '%s' "$1" | sed -n "s/.*\"$2\":{\\([^}]*\\)}.*/\\1/p"
}
ecrm init >/dev/null
ecrm --quiet import orders "$TMP/shop.csv" >/dev/null

# By order, P left out.
out=$(ecrm --json analyze basket --min-support 0.25 --exclude P)
expect_eq "$(json_field "$out" baskets)" 8 "baskets (orders, guest included)"
expect_eq "$(json_field "$out" items)" 5 "products without P"
expect_eq "$(json_field "$out" itemsets)" 8 "itemsets"
expect_eq "$(json_object "$out" itemsets_by_size)" '"1":5,"2":3' "itemsets by size"
expect_eq "$(json_field "$out" rules)" 6 "rules"
expect_eq "$(json_object "$out" rules_by_length)" '"1":2,"2":4' "rules by length"
expect_eq "$(json_field "$out" stored)" 6 "rules stored"
expect_contains "$out" '"top":[{"antecedent":[{"id":1,"sku":"A","name":"MUG"}],"consequent":[{"id":2,"sku":"B","name":"PLATE"}],"support":0.5,"confidence":0.8,"lift":1.28,"count":4}' "top rule"

# P counts when not excluded: A P together twice (1003, 1005).
out=$(ecrm --json analyze basket --min-support 0.25)
expect_eq "$(json_field "$out" items)" 6 "products with P"
expect_eq "$(json_object "$out" itemsets_by_size)" '"1":6,"2":4' "itemsets with P"

# By customer: C1 {A,B,C} C2 {A,B,D,P} C3 {A,C,P} C4 {B,C,E} C5 {D,E}; at
# 2 of 5: six items, pairs AB AC BC AP.
out=$(ecrm --json analyze basket --by customer --min-support 0.4)
expect_eq "$(json_field "$out" baskets)" 5 "baskets by customer"
expect_eq "$(json_object "$out" itemsets_by_size)" '"1":6,"2":4' "customer itemsets"

status=0
ecrm analyze basket --exclude NOPE >/dev/null 2>"$TMP/err" || status=$?
expect_eq "$status" 1 "unknown SKU fails"
expect_contains "$(cat "$TMP/err")" "no product has the SKU 'NOPE'" "unknown SKU message"

# The text form stores too, and says so.
out=$(ecrm analyze basket --min-support 0.25 --exclude P --top 2)
expect_contains "$out" "stored    6 rules in association_rules" "text: stored"
expect_contains "$out" "{MUG} => {PLATE}" "text: names"

# Recommendations (item-kNN over customers without P). C3 {A,C} gets B (the
# rule A => B explains it), then D and E (similar to A, to C); C4 gets A
# (rule B => A). Candidates per customer: 2 + 2 + 3 + 2 + 3 = 12; the
# products' neighbours: 3 + 4 + 3 + 3 + 3 = 16.
out=$(ecrm --quiet --json analyze recommend --exclude P)
expect_eq "$(json_field "$out" customers)" 5 "customers"
expect_eq "$(json_field "$out" products)" 5 "products"
expect_eq "$(json_field "$out" recommendations)" 12 "recommendations"
expect_eq "$(json_field "$out" similar)" 16 "similar products"
expect_eq "$(json_object "$out" reasons)" '"rule":2,"similar":10,"popular":0' "reasons"
out=$(ecrm --quiet analyze recommend --model als --exclude P --factors 4 --iterations 5)
expect_contains "$out" "als recommendations for 5 customers over 5 products" "als text"

# Evaluation on the last order: C1 holds out {C} (A, B bought before), C2
# {D}. Popularity in training: A 3, B 3, C 2, E 2, D 1; at k = 2 C1 gets
# C, E (hit at 1), C2 gets C, E (miss): precision 1/4, recall 1/2,
# NDCG 1/2, hit rate 1/2.
out=$(ecrm --quiet --json analyze recommend --evaluate --holdout last --k 2 --exclude P)
expect_contains "$out" '"test_interactions":2' "held out"
expect_contains "$out" '{"model":"popular","users":2,"precision":0.25,"recall":0.5,"ndcg":0.5,"hit_rate":0.5,' "popularity figures"
expect_contains "$out" '"model":"itemknn"' "item-kNN evaluated"
expect_contains "$out" '"model":"als"' "ALS evaluated"
out=$(ecrm --quiet analyze recommend --evaluate --model itemknn --k 2 --exclude P)
expect_contains "$out" "popular" "text table: baseline"
expect_contains "$out" "itemknn" "text table: model"

status=0
ecrm analyze recommend --model nope >/dev/null 2>&1 || status=$?
expect_eq "$status" 2 "bad model is a usage error"
status=0
ecrm analyze recommend --input "$TMP/shop.csv" >/dev/null 2>&1 || status=$?
expect_eq "$status" 2 "--input without --evaluate"
ecrm analyze recommend --help | grep -q "evaluate" || fail "recommend --help"
ecrm analyze basket --help | grep -q "min-support" || fail "basket --help"
echo "ok: basket rules and recommendations from the database"
