module {
  func.func @f(%a: !foo.type) {
    return
  }
}
