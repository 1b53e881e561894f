// Sales filing files for the API tests: valid lines of any length for a
// certificate and year, resident identity numbers with their GB 11643 check
// character, and the template's header.
const BEIJING_CERT = 'SXH202100002';
const BEIJING_MODEL = 'SKF-3000';

export const HEADER = 'sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use';

// The GB 11643 check character of a resident identity card number's first 17 digits.
export function residentIdCheck(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return '10X98765432'[sum % 11];
}

export function residentId(n) {
  const first17 = '110105' + '19800101' + String(n % 1000).padStart(3, '0');
  return first17 + residentIdCheck(first17);
}

// n valid lines of year for one certificate: organisations and individuals in turn.
export function filingLines(n, { cert = BEIJING_CERT, model = BEIJING_MODEL, year = 2025, tag = '' } = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const day = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    if (i % 2 === 0) {
      out.push(`${day},${cert},${model},${1 + (i % 50)},organisation,北京某某科技有限公司${tag}${i},91110000600037341L,,,北京市海淀区中关村大街${i}号,010-6234${String(i % 10000).padStart(4, '0')},数据加密`);
    } else {
      out.push(`${day},${cert},${model},1,individual,张三${tag}${i},,resident_id,${residentId(i)},"上海市浦东新区, 世纪大道${i}号",1380013${String(i % 10000).padStart(4, '0')},个人通信`);
    }
  }
  return out;
}

export function filingFile(lines) {
  return [HEADER, ...lines].join('\r\n') + '\r\n';
}
