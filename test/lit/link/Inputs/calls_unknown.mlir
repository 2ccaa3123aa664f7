// A kernel that calls a function no runtime provides.
module attributes {llvm.target_triple = "hexagon-unknown-linux-musl"} {
  llvm.func @mystery_helper(i32)
  llvm.func @calls_unknown(%arg0: i32) {
    llvm.call @mystery_helper(%arg0) : (i32) -> ()
    llvm.return
  }
}
