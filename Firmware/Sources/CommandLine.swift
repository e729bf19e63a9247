import Board

/// What the firmware was asked to do, read from the semihosting command line
/// (QEMU: `-semihosting-config enable=on,arg=kws-firmware,arg=--scores,arg=FILE`).
struct FirmwareOptions {
    /// Print every inference's int8 scores, for comparison with the host.
    var printScores = false
    #if MEASURE
    /// Run the frontend and the model separately between instruction-count markers (only in
    /// `make icount`'s build; the firmware's takes it for an unknown option).
    var measure = false
    #endif
    /// Path of the raw 16 kHz s16le input file on the host, as bytes of the parsed buffer.
    var inputPath: UnsafeRawBufferPointer

    enum ParseError: Error {
        case noCommandLine
        case missingInput
        case unknownOption
    }

    /// Splits the command line in `buffer` at spaces; the first word is the program name.
    @inline(never)
    static func parse(buffer: UnsafeMutableRawBufferPointer) throws(ParseError) -> FirmwareOptions {
        let length = semihosting_command_line(buffer.baseAddress!, UInt32(buffer.count))
        guard length > 0 else { throw .noCommandLine }
        let line = UnsafeRawBufferPointer(rebasing: buffer[0 ..< Int(length)])
        var printScores = false
        #if MEASURE
        var measure = false
        #endif
        var input: UnsafeRawBufferPointer? = nil
        var wordIndex = 0
        var start = 0
        while start < line.count {
            var end = start
            while end < line.count && line[end] != UInt8(ascii: " ") { end += 1 }
            if end > start {
                let word = UnsafeRawBufferPointer(rebasing: line[start ..< end])
                if wordIndex > 0 {
                    if word.first == UInt8(ascii: "-") {
                        if equals(word, "--scores") {
                            printScores = true
                        } else {
                            #if MEASURE
                            guard equals(word, "--measure") else { throw .unknownOption }
                            measure = true
                            #else
                            throw .unknownOption
                            #endif
                        }
                    } else {
                        input = word
                    }
                }
                wordIndex += 1
            }
            start = end + 1
        }
        guard let input else { throw .missingInput }
        #if MEASURE
        return FirmwareOptions(printScores: printScores, measure: measure, inputPath: input)
        #else
        return FirmwareOptions(printScores: printScores, inputPath: input)
        #endif
    }

    private static func equals(_ word: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard word.count == text.utf8CodeUnitCount else { return false }
        for i in 0 ..< word.count where word[i] != text.utf8Start[i] { return false }
        return true
    }

    static func reportUsage(_ error: ParseError) {
        switch error {
        case .noCommandLine: Console.write("error: no command line; run under QEMU with -semihosting-config\n")
        case .missingInput: Console.write("error: no input file given\n")
        case .unknownOption: Console.write("error: unknown option\n")
        }
        #if MEASURE
        Console.write("usage: kws-firmware [--scores | --measure] FILE.raw (16 kHz mono s16le)\n")
        #else
        Console.write("usage: kws-firmware [--scores] FILE.raw (16 kHz mono s16le)\n")
        #endif
    }
}
