-- api_get.lua: wrk script for bench/api.sh. ECRM_BENCH_MODE=customer picks a
-- random customer id in 1..ECRM_BENCH_N (the 360 view); search and list pick
-- a random query of that kind; me asks GET /api/me and product a random
-- product id in 1..1000 (the cheapest requests that check their caller).
-- ECRM_BENCH_KEY is the API key.
local n = tonumber(os.getenv("ECRM_BENCH_N") or "1000000")
local key = os.getenv("ECRM_BENCH_KEY") or ""
local mode = os.getenv("ECRM_BENCH_MODE") or "customer"
local headers = { ["Authorization"] = "Bearer " .. key }

local surnames = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周" }
local given = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋" }
local latin = { "olive", "smith", "jones", "harry", "amelia", "george" }
local lists = { "", "sort=name", "sort=-name", "sort=-created_at", "country=CN",
                "tag=vip", "sort=-id", "city=London" }

local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function pick(t) return t[math.random(1, #t)] end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

-- The request text around the id, made once: formatting a whole request
-- for each call cost this client more CPU than the server's reply to it,
-- on the same two cores.
local before_id, after_id, me

function init(args)
  math.randomseed(seed or os.time())
  local path = mode == "product" and "/api/products/{id}" or "/api/customers/{id}"
  before_id, after_id = wrk.format("GET", path, headers):match("^(.-){id}(.*)$")
  me = wrk.format("GET", "/api/me", headers)
end

function request()
  local path
  if mode == "customer" then
    return before_id .. math.random(1, n) .. after_id
  elseif mode == "product" then
    return before_id .. math.random(1, 1000) .. after_id
  elseif mode == "me" then
    return me
  elseif mode == "search" then
    local k = math.random(1, 4)
    local q
    if k == 1 then q = pick(surnames) .. pick(given)
    elseif k == 2 then q = pick(surnames) .. pick(given) .. pick(given)
    elseif k == 3 then q = pick(latin)
    else q = "user" .. math.random(1, n) .. "@example.com" end
    path = "/api/customers?q=" .. enc(q)
  else
    path = "/api/customers?" .. pick(lists)
  end
  return wrk.format("GET", path, headers)
end
