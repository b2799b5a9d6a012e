# web_stage.cmake: lays out the web UI as the binary serves it, then embeds it.
# Usage: cmake -DSRC=web -DSTAGE=dir -DOUT=file.c -DSYMBOL=name
#              "-DAPP=a;b" "-DVENDOR=from=to;..." -P web_stage.cmake
#
# APP files (under SRC) are copied as they are, except index.html, whose
# __BUILD__ marks become the build id: a hash of every staged byte. The page
# loads everything else from /static/BUILD/..., so those URLs change whenever
# any file does and can be cached for ever (src/http/static.c).
#
# VENDOR entries copy an npm package's ES module build from SRC/node_modules
# to vendor/NAME, rewriting the bare imports a browser cannot resolve without
# an import map (which would be an inline script, refused by our CSP) into
# relative paths between the vendored files.
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE "${STAGE}")
set(staged "")

foreach(rel IN LISTS APP)
  if(rel STREQUAL "index.html")
    continue()
  endif()
  get_filename_component(dir "${STAGE}/${rel}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  file(COPY_FILE "${SRC}/${rel}" "${STAGE}/${rel}")
  list(APPEND staged "${STAGE}/${rel}")
endforeach()

# from=to pairs: the import specifiers a vendored file uses and what they
# become. Each file is checked to hold no bare import afterwards.
set(rewrites
  "\"preact\"=\"./preact.js\""
  "'./chunks/index.js'='./chart-helpers.js'"
  "'@kurkle/color'='./color.js'")
foreach(pair IN LISTS VENDOR)
  string(REPLACE "=" ";" parts "${pair}")
  list(GET parts 0 from)
  list(GET parts 1 to)
  if(NOT EXISTS "${SRC}/node_modules/${from}")
    message(FATAL_ERROR "web/node_modules/${from} is missing: run scripts/deps.sh "
                        "(it runs `npm ci` in web/)")
  endif()
  file(READ "${SRC}/node_modules/${from}" text)
  foreach(rw IN LISTS rewrites)
    string(FIND "${rw}" "=" eq)
    string(SUBSTRING "${rw}" 0 ${eq} a)
    math(EXPR eq1 "${eq} + 1")
    string(SUBSTRING "${rw}" ${eq1} -1 b)
    string(REPLACE "from${a}" "from${b}" text "${text}")
    string(REPLACE "from ${a}" "from ${b}" text "${text}")
    string(REPLACE "import ${a}" "import ${b}" text "${text}")
  endforeach()
  string(REGEX MATCH "(from|import) *[\"'][^./][^\"']*[\"']" bare "${text}")
  if(bare)
    message(FATAL_ERROR "web_stage: ${from} still imports a bare module: ${bare}")
  endif()
  file(WRITE "${STAGE}/${to}" "${text}")
  list(APPEND staged "${STAGE}/${to}")
endforeach()

# The build id: a hash over the staged files' names and contents.
list(SORT staged)
set(all "")
foreach(f IN LISTS staged)
  file(SHA256 "${f}" h)
  string(APPEND all "${f}:${h}\n")
endforeach()
file(SHA256 "${SRC}/index.html" h)
string(APPEND all "index.html:${h}\n")
string(SHA256 build "${all}")
string(SUBSTRING "${build}" 0 16 build)

file(READ "${SRC}/index.html" page)
string(REPLACE "__BUILD__" "${build}" page "${page}")
file(WRITE "${STAGE}/index.html" "${page}")
file(WRITE "${STAGE}/BUILD" "${build}")
list(APPEND staged "${STAGE}/index.html" "${STAGE}/BUILD")

set(FILES "${staged}")
set(BASE "${STAGE}")
include("${CMAKE_CURRENT_LIST_DIR}/embed.cmake")
