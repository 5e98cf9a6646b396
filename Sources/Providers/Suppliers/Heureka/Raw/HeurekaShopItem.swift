/// One `SHOPITEM` of a Heureka.cz or Zboží.cz product feed, as the feed states it: every value is the element's
/// trimmed text, `nil` when the element is absent.
///
/// The coding keys are the feed's element names (https://sluzby.heureka.cz/napoveda/xml-feed/,
/// https://napoveda.zbozi.cz/en/specification/); both feeds share them. Elements nested in blocks (`PARAM`,
/// `DELIVERY`, `GIFT`) are not read.
package struct HeurekaShopItem: Sendable, Hashable, Codable {
    /// Where the item is in the feed, e.g. `SHOP/SHOPITEM[1523]`; invalid-payload paths extend it.
    package var path: String
    package var itemID: String?
    /// The name (Heureka `PRODUCTNAME`); Zboží and 2011 feeds may carry only `PRODUCT`.
    package var productName: String?
    package var product: String?
    package var description: String?
    package var url: String?
    package var imgURL: String?
    /// Price including VAT: digits with `.` or `,` decimals (`27990,50`).
    package var priceVAT: String?
    package var ean: String?
    package var manufacturer: String?
    package var categoryText: String?
    /// Days until delivery (`0` = in stock) or a date (`2024-12-25`).
    package var deliveryDate: String?
    /// A field whose text exceeded the parser's cap, if any.
    package var oversizedField: String?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case path = "_path"
        case itemID = "ITEM_ID"
        case productName = "PRODUCTNAME"
        case product = "PRODUCT"
        case description = "DESCRIPTION"
        case url = "URL"
        case imgURL = "IMGURL"
        case priceVAT = "PRICE_VAT"
        case ean = "EAN"
        case manufacturer = "MANUFACTURER"
        case categoryText = "CATEGORYTEXT"
        case deliveryDate = "DELIVERY_DATE"
        case oversizedField = "_oversized"
    }

    package init(path: String, itemID: String? = nil, productName: String? = nil, priceVAT: String? = nil) {
        self.path = path
        self.itemID = itemID
        self.productName = productName
        self.priceVAT = priceVAT
    }

    /// Reads the elements of a parsed record (the first of repeated elements, e.g. `IMGURL`).
    package init(record: XMLRecord) {
        self.path = record.path
        let value: (CodingKeys) -> String? = { record.first($0.rawValue) }
        itemID = value(.itemID)
        productName = value(.productName)
        product = value(.product)
        description = value(.description)
        url = value(.url)
        imgURL = value(.imgURL)
        priceVAT = value(.priceVAT)
        ean = value(.ean)
        manufacturer = value(.manufacturer)
        categoryText = value(.categoryText)
        deliveryDate = value(.deliveryDate)
        oversizedField = record.oversizedField
    }
}
