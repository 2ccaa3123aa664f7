// A function that returns a value: the reference asks for C wrappers then.
func.func @add(%a: f32, %b: f32) -> f32 {
  %s = arith.addf %a, %b : f32
  return %s : f32
}
