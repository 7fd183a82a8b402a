# Writes a .cpp holding every ${DIR}/*.${EXT} as a string, keyed by file stem, so the binary works
# from any directory. Generates `std::span<const ${TYPE}> ${FUNC}()` in ${NAMESPACE}, declared in
# ${HEADER}; ${TYPE} is an aggregate {name, text}.
file(GLOB files ${DIR}/*.${EXT})
list(SORT files)
set(body "// generated from ${DIR}/*.${EXT}; do not edit\n#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\nstd::span<const ${TYPE}> ${FUNC}() {\n  static constexpr ${TYPE} k_items[] = {\n")
foreach(f ${files})
  get_filename_component(stem ${f} NAME_WE)
  file(READ ${f} content)
  string(APPEND body "      {\"${stem}\", R\"factory_embed(${content})factory_embed\"},\n")
endforeach()
string(APPEND body "  };\n  return k_items;\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
