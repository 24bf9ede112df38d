# Fails if any source, doc, data or build file of the repository names a path in the folder
# beside the checkout: a user's clone has no siblings, so nothing may read, include or cite them.
# The needle is assembled so that this script does not match itself.
set(sibling "shared")
set(needle "../${sibling}")
file(GLOB_RECURSE files LIST_DIRECTORIES false
     "${REPO_DIR}/app/*" "${REPO_DIR}/core/*" "${REPO_DIR}/widgets/*" "${REPO_DIR}/tests/*"
     "${REPO_DIR}/docs/*" "${REPO_DIR}/data/*" "${REPO_DIR}/cmake/*" "${REPO_DIR}/resources/*"
     "${REPO_DIR}/.ci/*" "${REPO_DIR}/tools/*")
file(GLOB top LIST_DIRECTORIES false "${REPO_DIR}/*")
list(APPEND files ${top})
list(FILTER files EXCLUDE REGEX "\\.(png|jpg|svg|tcw|gz|bin|ico)$")
set(bad)
foreach(f IN LISTS files)
  file(READ "${f}" text)
  string(FIND "${text}" "${needle}" at)
  if(NOT at EQUAL -1)
    list(APPEND bad "${f}")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "these files name a path outside the repository (${needle}):\n  ${text}")
endif()
list(LENGTH files n)
message(STATUS "checked ${n} files: none names a path outside the repository")
