func.func @g(%a: i32) -> i64 {
  return %a : i32
}
