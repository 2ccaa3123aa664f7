func.func @c() -> index {
  %i = index.constant 8589934592
  return %i : index
}
