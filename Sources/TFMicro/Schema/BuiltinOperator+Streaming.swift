// Builtin codes of the operators streaming models (microWakeWord) add to micro_speech's set.
extension BuiltinOperator {
    public static let concatenation = BuiltinOperator(code: 2)
    public static let logistic = BuiltinOperator(code: 14)
    public static let stridedSlice = BuiltinOperator(code: 45)
    public static let splitV = BuiltinOperator(code: 102)
    public static let callOnce = BuiltinOperator(code: 129)
    public static let varHandle = BuiltinOperator(code: 142)
    public static let readVariable = BuiltinOperator(code: 143)
    public static let assignVariable = BuiltinOperator(code: 144)
}
