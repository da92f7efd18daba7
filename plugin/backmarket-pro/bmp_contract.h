/*
 * bmp_contract.h -- the ASSUMED Back Market Pro API contract, as the Back
 * Market Pro plugin uses it: every path, query parameter, header, JSON field
 * name and enum value.  It mirrors schemas/backmarket-pro.openapi.yaml; the
 * Pro API is not public, so when the real contract is known this file (and
 * the yaml) is what changes.  No other plugin file spells a Pro name.
 */
#ifndef BMP_CONTRACT_H
#define BMP_CONTRACT_H

/* Base URL (the Toolbox "Website URL"); the API version is a path prefix. */
#define BMP_DEFAULT_WEBSITE_URL "https://api.pro.backmarket.com/sellers-prod"
#define BMP_API_VERSION "/2024-03"

/* Authentication: one header holding the API key. */
#define BMP_HDR_API_KEY "x-api-key"

/* Paths, appended to the Website URL. */
#define BMP_PATH_STATUS BMP_API_VERSION "/status"  /* cheap auth check */
#define BMP_PATH_ORDERS BMP_API_VERSION "/orders"  /* list, paginated */
#define BMP_PATH_ORDER_FMT BMP_API_VERSION "/orders/%s"           /* one */
#define BMP_PATH_SHIPMENTS_FMT BMP_API_VERSION "/orders/%s/shipments" /* POST */

/* GET orders query parameters. */
#define BMP_Q_FULFILLMENT "fulfillment_status"
#define BMP_Q_UPDATED_SINCE "updated_since" /* ISO 8601 UTC */
#define BMP_Q_PAGE "page"
#define BMP_Q_PAGE_SIZE "page-size"
#define BMP_PAGE_SIZE 50 /* 1..100 */

/* List envelope: {"items": [...], "links": {"next": url|null}, "total"} */
#define BMP_F_ITEMS "items"
#define BMP_F_LINKS "links"
#define BMP_F_NEXT "next"
#define BMP_F_TOTAL "total"

/* Order object.  Money fields are decimal strings ("100.00"); timestamps
 * are RFC 3339 UTC ("2026-03-22T12:00:00Z"). */
#define BMP_F_ID "id"
#define BMP_F_CREATED_AT "created_at"
#define BMP_F_UPDATED_AT "updated_at"
#define BMP_F_STATUS "status"
#define BMP_F_FINANCIAL "financial_status"
#define BMP_F_FULFILLMENT "fulfillment_status"
#define BMP_F_CURRENCY "currency"
#define BMP_F_CUSTOMER "customer"
#define BMP_F_SHIP_ADDR "shipping_address"
#define BMP_F_BILL_ADDR "billing_address"
#define BMP_F_LINES "lines"
#define BMP_F_SUBTOTAL "subtotal"
#define BMP_F_SHIPPING_TOTAL "shipping_total"
#define BMP_F_TAX_TOTAL "tax_total"
#define BMP_F_TOTAL_PRICE "total"

/* Customer object (the business that bought). */
#define BMP_F_CUST_COMPANY "company"
#define BMP_F_CUST_EMAIL "email"

/* Address object. */
#define BMP_F_ADDR_COMPANY "company"
#define BMP_F_ADDR_FIRST "first_name"
#define BMP_F_ADDR_LAST "last_name"
#define BMP_F_ADDR_STREET "street"
#define BMP_F_ADDR_STREET2 "street2"
#define BMP_F_ADDR_POSTAL "postal_code"
#define BMP_F_ADDR_CITY "city"
#define BMP_F_ADDR_STATE "state"
#define BMP_F_ADDR_COUNTRY "country"
#define BMP_F_ADDR_PHONE "phone"
#define BMP_F_ADDR_EMAIL "email"

/* Order line object. */
#define BMP_F_LINE_ID "id"
#define BMP_F_LINE_SKU "sku"
#define BMP_F_LINE_TITLE "title"
#define BMP_F_LINE_QTY "quantity"
#define BMP_F_LINE_UNIT "unit_price"
#define BMP_F_LINE_TOTAL "total_price"
#define BMP_F_LINE_TAX "tax_amount"

/* Enum values. */
#define BMP_ST_OPEN "open"
#define BMP_ST_CANCELLED "cancelled"
#define BMP_ST_CLOSED "closed"
#define BMP_FIN_PAID "paid"
#define BMP_FIN_PENDING "pending"
#define BMP_FIN_REFUNDED "refunded"
#define BMP_FUL_UNFULFILLED "unfulfilled"
#define BMP_FUL_PARTIAL "partially_fulfilled"
#define BMP_FUL_FULFILLED "fulfilled"

/* Assumed rate limit: 10 requests per second per API key (429 +
 * Retry-After in seconds above it). */
#define BMP_RATE_LIMIT 10
#define BMP_RATE_WINDOW_MS 1000

/* POST shipments body; 201 = created, 409 = already fulfilled,
 * 422 = order cancelled (cannot ship). */
#define BMP_F_SHIP_TRACKING "tracking_number"
#define BMP_F_SHIP_CARRIER "carrier"
#define BMP_F_SHIP_TRACKING_URL "tracking_url"
#define BMP_F_SHIP_SHIPPED_AT "shipped_at"
#define BMP_HTTP_ALREADY_FULFILLED 409
#define BMP_HTTP_CANCELLED 422

/* Error body: {"error": {"code": "...", "message": "..."}} */
#define BMP_F_ERROR "error"
#define BMP_F_ERROR_CODE "code"
#define BMP_F_ERROR_MESSAGE "message"

#endif /* BMP_CONTRACT_H */
