# online_retail.sh: importing the real UCI Online Retail file gives its
# published shape (541,909 lines, 25,900 invoices of which 3,836
# cancellations, 4,372 customers, 4,070 stock codes, 135,080 lines without a
# customer), and importing it again changes nothing.
. "$(dirname "$0")/lib.inc"
file=$(data online-retail/online_retail.csv)
ecrm init >/dev/null
out=$(ecrm --quiet --json import orders "$file")
expect_eq "$(json_field "$out" rows)" 541909 "lines"
expect_eq "$(json_field "$out" rows_failed)" 0 "bad lines"
expect_eq "$(json_field "$out" guest_rows)" 135080 "lines without a customer"
expect_eq "$(json_field "$out" return_documents)" 3836 "cancellation invoices"
orders=$(json_field "$out" orders_new)
expect_eq $((orders + 3836)) 25900 "invoices"
stats=$(ecrm stats --json)
expect_eq "$(json_field "$stats" customers)" 4372 "customers"
expect_eq "$(json_field "$stats" products)" 4070 "stock codes"
expect_eq "$(json_field "$stats" orders)" "$orders" "orders stored"
items=$(json_field "$stats" order_items)
returns=$(json_field "$stats" returns)
expect_eq $((items + returns)) 541909 "order lines + cancellation lines"

again=$(ecrm --quiet --json import orders "$file")
expect_eq "$(json_field "$again" orders_new)" 0 "new orders on re-import"
expect_eq "$(json_field "$again" returns_new)" 0 "new returns on re-import"
expect_eq "$(json_field "$again" customers_new)" 0 "new customers on re-import"
expect_eq "$(ecrm stats --json)" "$stats" "stats after importing twice"
echo "ok: online retail shape and idempotency"
