/** Real answer bodies per endpoint (reference/sectigo-api.md samples and their error forms), for garbling. */
export const SECTIGO_SAMPLES: Readonly<Record<string, readonly string[]>> = {
  DecodeCSR: [`0\nmd5=${'a'.repeat(32)}\nsha256=${'b'.repeat(64)}\nCN=www.example.com`, '-10\nCSR cannot be decoded'],
  AutoApplySSL: ['errorCode=0&orderNumber=3040824&totalCost=210.00&expectedDeliveryTime=1&uniqueValue=TnerFu0d', 'errorCode=-3&errorMessage=The+%27logoPriorUseDomainName%27+argument+is+missing%21'],
  CollectSSL: ['errorCode=1&orderNumber=12345678&certificateStatus=Issued&notBefore=1388576001&notAfter=1420112001&csrStatus=1', 'errorCode=-26&errorMessage=being+issued'],
  WebHostReport: ['errorCode=0&noOfResults=1&1_orderNumber=3040824&1_dateTime=1700000000&1_1_certificateID=99&1_1_dcvStatus=1&1_1_notAfter=1731536000'],
  GetDCVEmailAddressList: ['0\ndomain_name\twww.test-domain.org\nwhois_email\tnone\nlevel2_email\t admin@test-domain.org\nlevel3_email\t admin@www.test-domain.org\n'],
  AutoUpdateDCV: ['errorCode=0', 'errorCode=-2&errorItem=responseFormat&errorMessage=unrecognised'],
  ResendDCVEmail: ['errorCode=0'],
  AutoReplaceSSL: ['errorCode=0&certificateID=123456&expectedDeliveryTime=0&uniqueValue=Abc'],
  AutoRevokeSSL: ['errorCode=0', 'errorCode=-21&errorMessage=revoked'],
  AutoRemoveMDCDomain: ['errorCode=0', 'errorCode=-17&errorMessage=Request used GET rather than POST!'],
  UpdateUserOvCallback: ['errorCode=0&status=1&description=ok'],
  UpdateUserEvClickThrough: ['errorCode=0&status=2&description=Resent'],
  GetMDCDomainDetails: ['errorCode=0&1_domainName=test.com&1_dcvMethod=EMAIL&1_dcvStatus=Validated'],
}

/** AutoApplySSL's newline answer (reference §3.1 example). */
export const PLACED_ORDER_NEWLINE_SAMPLE = '0\n3040824\n210.00\n1\nTnerFu0d'
