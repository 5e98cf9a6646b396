import NIOCore

/// Words the feed generator builds Czech item names and texts from (every letter has a windows-1250 code).
enum Vocabulary {
    static let adjectives = [
        "Žluťoučký", "Červený", "Modrý", "Černý", "Bílý", "Zelený", "Šedý", "Průhledný", "Ocelový", "Dřevěný",
        "Skládací", "Bezdrátový", "Nabíjecí", "Přenosný", "Úsporný", "Odolný", "Kompaktní", "Chytrý",
    ]
    static let nouns = [
        "kůň", "telefon", "náramek", "stolek", "hrnek", "batoh", "reproduktor", "nabíječka", "kabel", "držák",
        "šroubovák", "čajník", "svítilna", "deštník", "polštář", "kufr", "sešit", "míč",
    ]
    static let descriptions = [
        "Praktický pomocník do každé domácnosti",
        "Výrobek splňuje normy ČSN a EU",
        "Ideální dárek pro děti i dospělé",
        "Snadná údržba, omyvatelný povrch",
        "Česká výroba, ruční kontrola kvality",
    ]
    static let manufacturers = ["Koňská stáj", "Ťapka s.r.o.", "Šikula a.s.", "Dřevotvar", "Žirafa", "Úsvit"]
    static let categories = [
        "Elektronika | Mobilní telefony", "Dům a zahrada | Kuchyně", "Sport | Míčové hry", "Hračky | Koně",
        "Kancelář | Papírnictví", "Móda | Doplňky",
    ]
    static let colours = ["černá", "bílá", "červená", "modrá", "žlutá", "šedá"]
}

/// Encodes text as windows-1250 (cp1250), the Central European code page older Czech shop systems export in.
///
/// Covers ASCII and the Czech and Slovak letters; anything else becomes `?` (the generator uses nothing else).
enum Windows1250 {
    private static let table: [Unicode.Scalar: UInt8] = [
        "Š": 0x8A, "Ť": 0x8D, "Ž": 0x8E, "š": 0x9A, "ť": 0x9D, "ž": 0x9E, "Ľ": 0xBC, "ľ": 0xBE,
        "Á": 0xC1, "Ä": 0xC4, "Č": 0xC8, "É": 0xC9, "Ě": 0xCC, "Í": 0xCD, "Ď": 0xCF, "Ň": 0xD2, "Ó": 0xD3, "Ô": 0xD4,
        "Ř": 0xD8, "Ů": 0xD9, "Ú": 0xDA, "Ý": 0xDD, "á": 0xE1, "ä": 0xE4, "č": 0xE8, "é": 0xE9, "ě": 0xEC,
        "í": 0xED, "ď": 0xEF, "ň": 0xF2, "ó": 0xF3, "ô": 0xF4, "ř": 0xF8, "ů": 0xF9, "ú": 0xFA, "ý": 0xFD,
        "Ĺ": 0xC5, "ĺ": 0xE5, "Ŕ": 0xC0, "ŕ": 0xE0,
    ]

    static func encode(_ text: String, into buffer: inout ByteBuffer) {
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                buffer.writeInteger(UInt8(scalar.value))
            } else {
                buffer.writeInteger(table[scalar] ?? UInt8(ascii: "?"))
            }
        }
    }
}
