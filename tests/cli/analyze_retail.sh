# analyze_retail.sh: `ecrm analyze all --json` on the UCI Online Retail file
# gives every model's member with its structural facts: 4,339 of the 4,372
# customers have an order (the published count of customers with a
# purchase; 33 have only cancellations), value tiers hold 80 / 15 / 5 % of
# profit, every customer has a lifecycle stage, BG/NBD and Gamma-Gamma fit,
# the churn model separates churners from the others on its hold-out (AUC
# well above 0.5, below a leak's 0.95+), and customer_scores has a row per
# customer with the columns each model owns.
. "$(dirname "$0")/lib.inc"
file=$(data online-retail/online_retail.csv)
ecrm init >/dev/null
ecrm --quiet import orders "$file" >/dev/null
out=$(ecrm --quiet --json analyze all)

for m in rfm tiers clv churn lifecycle clusters; do
	expect_contains "$out" "\"$m\":{" "member $m"
done
# every model ran as of the day after the last invoice (2011-12-09)
n=$(printf '%s' "$out" | grep -o '"as_of":"2011-12-10"' | wc -l | tr -d ' ')
expect_eq "$n" 6 "as_of of each model"

expect_eq "$(json_field "$out" scored)" 4339 "customers with orders (RFM)"
expect_eq "$(json_field "$out" not_scored)" 33 "customers without orders"
# shares of profit: key, normal, small
shares=$(printf '%s' "$out" | grep -o '"profit_share":[0-9.e-]*' | cut -d: -f2 | tr '\n' ' ')
set -- $shares
[ $# -eq 3 ] || fail "three tiers, got: $shares"
awk -v k="$1" -v n="$2" -v s="$3" 'BEGIN { exit !(k >= 0.80 && k < 0.81 && n > 0.14 &&
	n <= 0.16 && s > 0.04 && s <= 0.05 && (k + n + s) > 0.9999 && (k + n + s) < 1.0001) }' ||
	fail "tier shares $shares"

# clv: fitted on the 4,339 buyers; every buyer scored
clv=${out#*'"clv":{'}
expect_eq "$(json_field "{$clv" customers)" 4339 "clv customers"
expect_contains "$clv" '"status":"ok"' "clv fitted"
expect_contains "$clv" '"converged":true' "BG/NBD converged"
for k in '"bgnbd":{"r":' '"gammagamma":{"p":' '"clv":{"customers":4339,'; do
	expect_contains "$clv" "$k" "clv member $k"
done

# churn: trained and tested on the shop's own history
churn=${out#*'"churn":{'}
expect_contains "$churn" '"status":"ok"' "churn fitted"
auc=$(json_field "{$churn" auc)
awk -v a="$auc" 'BEGIN { exit !(a > 0.65 && a < 0.95) }' || fail "churn AUC $auc"
expect_eq "$(json_field "{$churn" scored)" 4339 "customers with a churn risk"

# lifecycle: stages cover all customers, prospects are the 33
stages=$(printf '%s' "$out" | sed 's/.*"stages":\[//; s/\].*//')
total=$(printf '%s' "$stages" | grep -o '"customers":[0-9]*' | cut -d: -f2 |
	awk '{ s += $1 } END { print s }')
expect_eq "$total" 4372 "customers over the lifecycle stages"
expect_contains "$stages" '"stage":"prospect","customers":33,' "prospects"
expect_contains "$out" '"used_p_alive":true' "lifecycle used P(alive)"

# customer_scores: one row per customer; model columns filled for buyers
q() { db_sql "$1"; }
expect_eq "$(q "SELECT COUNT(*) FROM customer_scores")" 4372 "score rows"
expect_eq "$(q "SELECT COUNT(*) FROM customer_scores WHERE rfm_segment IS NOT NULL AND
	value_tier IS NOT NULL AND p_alive IS NOT NULL AND clv IS NOT NULL AND
	churn_risk BETWEEN 0 AND 1 AND cluster IS NOT NULL")" 4339 "buyers with every score"
expect_eq "$(q "SELECT COUNT(*) FROM customer_scores WHERE lifecycle_stage IS NULL")" 0 \
	"every customer staged"
expect_eq "$(q "SELECT COUNT(DISTINCT model) FROM analytics_runs")" 6 "one run row per model"
echo "ok: analyze all on Online Retail"
