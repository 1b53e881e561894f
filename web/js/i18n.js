// i18n.js: every visible string of the portal and the console, in Simplified
// Chinese (the default) and English, plus the helpers that pick a language,
// remember it in localStorage and apply it to static markup.
//
// Static markup names its strings with data-i18n="key" (text content),
// data-i18n-placeholder, data-i18n-aria-label and data-i18n-title. Dynamic
// views call t(key, vars) while they render. Bureau names never live here:
// they come from the API (name_zh / name_en).

const zhCN = {
  'app.name': '密码产品监管系统',
  'app.name_en': 'cryptoreg – Commercial Cryptography Supervision',
  'app.short': 'cryptoreg',
  'app.footer': '商用密码产品监管信息系统 · 国家密码管理局及各省级密码管理局',
  'skip': '跳到主要内容',
  'lang.label': '语言',
  'lang.zh-CN': '中文',
  'lang.en': 'English',
  'nav.label': '主导航',
  'nav.lookup': '企业查询',
  'nav.bureaus': '密码管理局',
  'nav.console': '管理控制台',
  'nav.portal': '公开查询门户',

  'common.loading': '正在加载…',
  'common.load_more': '加载更多',
  'common.save': '保存',
  'common.cancel': '取消',
  'common.back': '返回',
  'common.search': '查询',
  'common.none': '—',
  'common.list_sep': '、',
  'common.yes': '是',
  'common.no': '否',
  'common.all': '全部',
  'common.actions': '操作',
  'common.showing': '已显示 {n} 条',
  'common.showing_more': '已显示 {n} 条，还有更多',
  'common.error': '出错了：{detail}',
  'common.network_error': '无法连接服务器，请稍后重试。',
  'common.field_errors': '请更正以下字段：',
  'common.required': '（必填）',
  'common.saved': '已保存。',

  'portal.title': '商用密码企业公开查询',
  'portal.intro': '查询在商用密码管理部门登记的生产、销售、进口、集成单位等企业信息，以及各密码管理局的名录。',
  'lookup.heading': '企业查询',
  'lookup.label': '企业名称或统一社会信用代码',
  'lookup.placeholder': '例如：北京海淀密码科技有限公司 或 911101089243040981',
  'lookup.hint': '可输入企业中文或英文名称的全部或一部分，或 18 位统一社会信用代码。',
  'lookup.empty_query': '请输入企业名称或统一社会信用代码。',
  'lookup.too_short': '查询内容过短或格式不正确：{detail}',
  'lookup.no_results': '未找到与“{q}”匹配的企业。',
  'lookup.results': '查询结果',
  'lookup.results_caption': '与“{q}”匹配的企业',
  'lookup.found': '找到 {n} 家企业。',
  'lookup.found_more': '已显示 {n} 家企业，还有更多结果。',
  'lookup.view': '查看详情',
  'lookup.detail_heading': '企业详情',
  'lookup.back': '返回查询结果',
  'bureaus.heading': '密码管理局名录',
  'bureaus.caption': '国家密码管理局下设的 {n} 个省级密码管理部门',
  'bureaus.code': '代码',
  'bureaus.name': '名称',
  'bureaus.kind': '类型',
  'bureaus.loading_failed': '无法加载密码管理局名录：{detail}',

  'kind.municipality': '直辖市',
  'kind.province': '省',
  'kind.autonomous_region': '自治区',
  'kind.xpcc': '新疆生产建设兵团',
  'kind.sub_provincial_city': '计划单列市',

  'field.uscc': '统一社会信用代码',
  'field.name_zh': '中文名称',
  'field.name_en': '英文名称',
  'field.roles': '企业类别',
  'field.address': '地址',
  'field.bureau': '主管密码管理局',
  'field.bureau_code': '主管密码管理局',
  'field.legal_representative': '法定代表人',
  'field.contact_name': '联系人',
  'field.contact_phone': '联系电话',
  'field.contact_email': '联系邮箱',
  'field.division_code': '行政区划代码',
  'field.derived_bureau_code': '按代码推导的管理局',
  'field.bureau_override_reason': '管理局变更理由',
  'field.created_at': '创建时间',
  'field.updated_at': '更新时间',
  'field.version': '版本',
  'field.username': '用户名',
  'field.password': '密码',
  'field.display_name': '显示名称',
  'field.role': '角色',
  'field.enterprise_uscc': '所属企业（统一社会信用代码）',
  'field.disabled': '状态',
  'field.name': '名称',
  'field.token': '令牌',
  'field.id': '编号',
  'field.reason': '理由',
  'field.q': '关键词',

  'erole.manufacturer': '生产单位',
  'erole.seller': '销售单位',
  'erole.importer': '进口单位',
  'erole.integrator': '集成单位',
  'erole.foreign_invested': '外商投资企业',
  'erole.foreign_entity': '境外组织或个人',

  'role.national_admin': '国家密码管理局管理员',
  'role.bureau_officer': '省级密码管理局工作人员',
  'role.inspector': '检查人员',
  'role.enterprise_user': '企业用户',

  'console.title': '管理控制台',
  'console.signed_in_as': '当前用户',
  'console.logout': '退出登录',
  'console.logged_out': '已退出登录。',
  'console.menu.enterprises': '企业名录',
  'console.menu.own_enterprise': '本企业信息',
  'console.menu.users': '用户管理',
  'console.menu.audit': '审计日志',
  'console.menu.tokens': 'API 令牌',
  'console.menu.import': '批量导入',
  'console.session_expired': '登录已过期，请重新登录。',

  'login.heading': '登录管理控制台',
  'login.intro': '本系统仅供密码管理部门工作人员和已登记企业使用。',
  'login.submit': '登录',
  'login.failed': '用户名或密码错误。',
  'login.too_many': '登录失败次数过多，请稍后再试。',
  'login.welcome': '欢迎，{name}。',

  'ent.list_heading': '企业名录',
  'ent.own_heading': '本企业信息',
  'ent.search_label': '名称或统一社会信用代码',
  'ent.bureau_filter': '主管密码管理局',
  'ent.all_bureaus': '全部管理局',
  'ent.new': '新建企业',
  'ent.import': '批量导入',
  'ent.none': '没有符合条件的企业。',
  'ent.caption': '企业列表',
  'ent.detail_heading': '企业详情',
  'ent.edit_heading': '编辑企业信息',
  'ent.edit_contact_heading': '编辑联系方式',
  'ent.saved': '企业信息已保存。',
  'ent.nothing_changed': '没有修改任何内容。',
  'ent.override_heading': '变更主管密码管理局',
  'ent.override_intro': '仅在依法需要时变更。选择“按代码推导”可恢复为由统一社会信用代码推导的管理局。',
  'ent.override_derived': '按代码推导',
  'ent.override_submit': '变更管理局',
  'ent.override_saved': '主管密码管理局已变更。',
  'ent.overridden': '（已人工指定）',
  'ent.new_heading': '新建企业',
  'ent.create_submit': '创建',
  'ent.created': '企业已创建。',
  'ent.back_to_list': '返回企业名录',
  'ent.not_found': '未找到该企业，或您无权查看。',
  'ent.roles_hint': '至少选择一项。',
  'ent.read_only': '您的角色只能查看企业信息。',

  'import.heading': '批量导入企业',
  'import.intro': '上传 UTF-8 编码的 CSV 文件。第一行为表头，企业类别之间用英文分号“;”分隔。只要有一行有误，整个文件都不会导入。',
  'import.header_label': '表头格式',
  'import.file': 'CSV 文件',
  'import.submit': '导入',
  'import.no_file': '请选择一个 CSV 文件。',
  'import.done': '已导入 {n} 家企业。',
  'import.errors_heading': '文件中有错误，未导入任何企业',
  'import.errors_caption': '出错的行',
  'import.line': '行号',
  'import.column': '列',
  'import.message': '问题',

  'users.heading': '用户管理',
  'users.caption': '用户列表',
  'users.add_heading': '新增用户',
  'users.add_submit': '新增用户',
  'users.added': '已新增用户 {name}。',
  'users.disable': '停用',
  'users.disable_confirm': '确定停用用户 {name}？该用户的所有会话将被结束。',
  'users.disabled_done': '已停用用户 {name}。',
  'users.active': '正常',
  'users.disabled': '已停用',
  'users.none': '没有用户。',
  'users.bureau_hint': '工作人员和检查人员必填。',
  'users.enterprise_hint': '企业用户必填。',
  'users.password_hint': '12–256 个字符。',
  'users.username_hint': '3–64 个字符：小写字母、数字、点、下划线或连字符。',
  'users.choose': '请选择',

  'audit.heading': '审计日志',
  'audit.caption': '审计记录（最新在前）',
  'audit.at': '时间',
  'audit.actor': '操作人',
  'audit.ip': 'IP 地址',
  'audit.action': '操作',
  'audit.entity': '对象',
  'audit.changes': '变更内容',
  'audit.before': '变更前',
  'audit.after': '变更后',
  'audit.show': '查看',
  'audit.none': '没有审计记录。',
  'audit.entity_type': '对象类型',
  'audit.entity_id': '对象标识',
  'audit.filter': '筛选',

  'tokens.heading': 'API 令牌',
  'tokens.intro': 'API 令牌用于程序访问（请求头 Authorization: Bearer …）。令牌只在创建时显示一次，请妥善保存。',
  'tokens.create_heading': '创建令牌',
  'tokens.create_submit': '创建令牌',
  'tokens.created': '令牌“{name}”已创建。请立即复制，关闭本页后将无法再次查看。',
  'tokens.secret_label': '新令牌（仅显示一次）',
  'tokens.caption': '我的令牌',
  'tokens.revoke': '吊销',
  'tokens.revoke_confirm': '确定吊销令牌“{name}”？使用该令牌的程序将无法再访问。',
  'tokens.revoked': '令牌“{name}”已吊销。',
  'tokens.none': '您还没有 API 令牌。',
  'tokens.created_at': '创建时间',
  'tokens.last_used_at': '最近使用',

  'error.forbidden_heading': '无权访问',
  'error.forbidden': '您的角色无权访问此页面。',
  'error.not_found_heading': '页面不存在',
  'error.not_found': '请求的页面不存在。',
};

const en = {
  'app.name': 'cryptoreg – Commercial Cryptography Supervision',
  'app.name_en': '密码产品监管系统',
  'app.short': 'cryptoreg',
  'app.footer': 'Commercial cryptography product supervision · State Cryptography Administration and provincial cryptography bureaus',
  'skip': 'Skip to main content',
  'lang.label': 'Language',
  'lang.zh-CN': '中文',
  'lang.en': 'English',
  'nav.label': 'Main navigation',
  'nav.lookup': 'Enterprise lookup',
  'nav.bureaus': 'Bureaus',
  'nav.console': 'Console',
  'nav.portal': 'Public portal',

  'common.loading': 'Loading…',
  'common.load_more': 'Load more',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.back': 'Back',
  'common.search': 'Search',
  'common.none': '—',
  'common.list_sep': ', ',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.all': 'All',
  'common.actions': 'Actions',
  'common.showing': 'Showing {n}',
  'common.showing_more': 'Showing {n}; more available',
  'common.error': 'Error: {detail}',
  'common.network_error': 'Cannot reach the server. Please try again later.',
  'common.field_errors': 'Please correct these fields:',
  'common.required': '(required)',
  'common.saved': 'Saved.',

  'portal.title': 'Commercial cryptography enterprise lookup',
  'portal.intro': 'Look up manufacturers, sellers, importers, integrators and other enterprises registered with the cryptography authorities, and the directory of cryptography bureaus.',
  'lookup.heading': 'Enterprise lookup',
  'lookup.label': 'Enterprise name or unified social credit code (USCC)',
  'lookup.placeholder': 'e.g. Beijing Haidian Crypto Tech or 911101089243040981',
  'lookup.hint': 'Enter all or part of a Chinese or English name, or an 18-character USCC.',
  'lookup.empty_query': 'Please enter an enterprise name or USCC.',
  'lookup.too_short': 'The query is too short or not valid: {detail}',
  'lookup.no_results': 'No enterprise matches “{q}”.',
  'lookup.results': 'Results',
  'lookup.results_caption': 'Enterprises matching “{q}”',
  'lookup.found': '{n} enterprise(s) found.',
  'lookup.found_more': 'Showing {n} enterprises; more results are available.',
  'lookup.view': 'View details',
  'lookup.detail_heading': 'Enterprise details',
  'lookup.back': 'Back to results',
  'bureaus.heading': 'Cryptography bureaus',
  'bureaus.caption': 'The {n} provincial-level cryptography bureaus under the State Cryptography Administration',
  'bureaus.code': 'Code',
  'bureaus.name': 'Name',
  'bureaus.kind': 'Kind',
  'bureaus.loading_failed': 'Cannot load the bureaus: {detail}',

  'kind.municipality': 'Municipality',
  'kind.province': 'Province',
  'kind.autonomous_region': 'Autonomous region',
  'kind.xpcc': 'Xinjiang Production and Construction Corps',
  'kind.sub_provincial_city': 'Sub-provincial city',

  'field.uscc': 'USCC',
  'field.name_zh': 'Chinese name',
  'field.name_en': 'English name',
  'field.roles': 'Roles',
  'field.address': 'Address',
  'field.bureau': 'Competent bureau',
  'field.bureau_code': 'Competent bureau',
  'field.legal_representative': 'Legal representative',
  'field.contact_name': 'Contact name',
  'field.contact_phone': 'Contact phone',
  'field.contact_email': 'Contact email',
  'field.division_code': 'Division code',
  'field.derived_bureau_code': 'Bureau derived from USCC',
  'field.bureau_override_reason': 'Reason for bureau override',
  'field.created_at': 'Created',
  'field.updated_at': 'Updated',
  'field.version': 'Version',
  'field.username': 'Username',
  'field.password': 'Password',
  'field.display_name': 'Display name',
  'field.role': 'Role',
  'field.enterprise_uscc': 'Enterprise (USCC)',
  'field.disabled': 'Status',
  'field.name': 'Name',
  'field.token': 'Token',
  'field.id': 'ID',
  'field.reason': 'Reason',
  'field.q': 'Keywords',

  'erole.manufacturer': 'Manufacturer',
  'erole.seller': 'Seller',
  'erole.importer': 'Importer',
  'erole.integrator': 'Integrator',
  'erole.foreign_invested': 'Foreign-invested enterprise',
  'erole.foreign_entity': 'Foreign organisation or individual',

  'role.national_admin': 'National administrator',
  'role.bureau_officer': 'Bureau officer',
  'role.inspector': 'Inspector',
  'role.enterprise_user': 'Enterprise user',

  'console.title': 'Console',
  'console.signed_in_as': 'Signed in as',
  'console.logout': 'Log out',
  'console.logged_out': 'You have logged out.',
  'console.menu.enterprises': 'Enterprises',
  'console.menu.own_enterprise': 'My enterprise',
  'console.menu.users': 'Users',
  'console.menu.audit': 'Audit trail',
  'console.menu.tokens': 'API tokens',
  'console.menu.import': 'CSV import',
  'console.session_expired': 'Your session has ended. Please log in again.',

  'login.heading': 'Log in to the console',
  'login.intro': 'For staff of the cryptography authorities and registered enterprises only.',
  'login.submit': 'Log in',
  'login.failed': 'Wrong username or password.',
  'login.too_many': 'Too many failed attempts. Please try again later.',
  'login.welcome': 'Welcome, {name}.',

  'ent.list_heading': 'Enterprises',
  'ent.own_heading': 'My enterprise',
  'ent.search_label': 'Name or USCC',
  'ent.bureau_filter': 'Competent bureau',
  'ent.all_bureaus': 'All bureaus',
  'ent.new': 'New enterprise',
  'ent.import': 'CSV import',
  'ent.none': 'No enterprises match.',
  'ent.caption': 'Enterprises',
  'ent.detail_heading': 'Enterprise details',
  'ent.edit_heading': 'Edit enterprise',
  'ent.edit_contact_heading': 'Edit contact details',
  'ent.saved': 'The enterprise has been saved.',
  'ent.nothing_changed': 'Nothing was changed.',
  'ent.override_heading': 'Change the competent bureau',
  'ent.override_intro': 'Only where the law requires it. Choose “Derived from USCC” to return to the bureau derived from the USCC.',
  'ent.override_derived': 'Derived from USCC',
  'ent.override_submit': 'Change bureau',
  'ent.override_saved': 'The competent bureau has been changed.',
  'ent.overridden': '(set manually)',
  'ent.new_heading': 'New enterprise',
  'ent.create_submit': 'Create',
  'ent.created': 'The enterprise has been created.',
  'ent.back_to_list': 'Back to enterprises',
  'ent.not_found': 'This enterprise does not exist or is outside your scope.',
  'ent.roles_hint': 'Choose at least one.',
  'ent.read_only': 'Your role may only view enterprises.',

  'import.heading': 'Import enterprises from CSV',
  'import.intro': 'Upload a UTF-8 CSV file. The first row is the header; separate roles with “;”. If any row is wrong, nothing is imported.',
  'import.header_label': 'Header row',
  'import.file': 'CSV file',
  'import.submit': 'Import',
  'import.no_file': 'Please choose a CSV file.',
  'import.done': '{n} enterprise(s) imported.',
  'import.errors_heading': 'The file has errors; nothing was imported',
  'import.errors_caption': 'Rows with errors',
  'import.line': 'Line',
  'import.column': 'Column',
  'import.message': 'Problem',

  'users.heading': 'Users',
  'users.caption': 'Users',
  'users.add_heading': 'Add a user',
  'users.add_submit': 'Add user',
  'users.added': 'User {name} added.',
  'users.disable': 'Disable',
  'users.disable_confirm': 'Disable user {name}? All of their sessions will end.',
  'users.disabled_done': 'User {name} disabled.',
  'users.active': 'Active',
  'users.disabled': 'Disabled',
  'users.none': 'No users.',
  'users.bureau_hint': 'Required for officers and inspectors.',
  'users.enterprise_hint': 'Required for enterprise users.',
  'users.password_hint': '12–256 characters.',
  'users.username_hint': '3–64 characters: lower-case letters, digits, dot, underscore or hyphen.',
  'users.choose': 'Choose…',

  'audit.heading': 'Audit trail',
  'audit.caption': 'Audit entries, newest first',
  'audit.at': 'Time',
  'audit.actor': 'Actor',
  'audit.ip': 'IP address',
  'audit.action': 'Action',
  'audit.entity': 'Entity',
  'audit.changes': 'Changes',
  'audit.before': 'Before',
  'audit.after': 'After',
  'audit.show': 'Show',
  'audit.none': 'No audit entries.',
  'audit.entity_type': 'Entity type',
  'audit.entity_id': 'Entity ID',
  'audit.filter': 'Filter',

  'tokens.heading': 'API tokens',
  'tokens.intro': 'API tokens let programs call the API (header Authorization: Bearer …). A token is shown only once, when it is created.',
  'tokens.create_heading': 'Create a token',
  'tokens.create_submit': 'Create token',
  'tokens.created': 'Token “{name}” created. Copy it now: it will not be shown again.',
  'tokens.secret_label': 'New token (shown once)',
  'tokens.caption': 'My tokens',
  'tokens.revoke': 'Revoke',
  'tokens.revoke_confirm': 'Revoke token “{name}”? Programs using it will lose access.',
  'tokens.revoked': 'Token “{name}” revoked.',
  'tokens.none': 'You have no API tokens.',
  'tokens.created_at': 'Created',
  'tokens.last_used_at': 'Last used',

  'error.forbidden_heading': 'Not allowed',
  'error.forbidden': 'Your role may not open this page.',
  'error.not_found_heading': 'Page not found',
  'error.not_found': 'The requested page does not exist.',
};

export const dictionaries = { 'zh-CN': zhCN, en };
export const LANGS = ['zh-CN', 'en'];
const STORAGE_KEY = 'cryptoreg.lang';

function storedLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null;
  }
}

let current = storedLang() || 'zh-CN';
const listeners = new Set();

export function getLang() { return current; }

// Returns the string for key in the current language, with {name}
// placeholders replaced from vars. A missing key falls back to Chinese and
// then to the key itself, so a gap shows up instead of vanishing.
export function t(key, vars) {
  let s = dictionaries[current][key] ?? zhCN[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// Applies data-i18n* attributes below root (default: the whole document).
export function applyI18n(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

export function setLang(lang) {
  if (!LANGS.includes(lang) || lang === current) return;
  current = lang;
  try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* private mode: not remembered */ }
  applyI18n();
  for (const fn of listeners) fn(lang);
}

// fn(lang) runs after every language change, to re-render dynamic views.
export function onLangChange(fn) { listeners.add(fn); }

// Wires a <select> to the language: fills its options and follows changes.
export function bindLangSelect(select) {
  select.replaceChildren();
  for (const l of LANGS) {
    const o = document.createElement('option');
    o.value = l;
    o.lang = l;
    o.textContent = zhCN[`lang.${l}`];
    select.append(o);
  }
  select.value = current;
  select.addEventListener('change', () => setLang(select.value));
  onLangChange((l) => { select.value = l; });
}

// Labels for enumerations; an unknown value is shown as it is.
export const ENTERPRISE_ROLES = ['manufacturer', 'seller', 'importer', 'integrator', 'foreign_invested', 'foreign_entity'];
export const USER_ROLES = ['national_admin', 'bureau_officer', 'inspector', 'enterprise_user'];

function label(prefix, v) {
  const k = `${prefix}.${v}`;
  return k in zhCN ? t(k) : String(v);
}
export const enterpriseRoleName = (r) => label('erole', r);
export const userRoleName = (r) => label('role', r);
export const bureauKindName = (k) => label('kind', k);

// A bureau's name in the current language (English falls back to Chinese).
export function bureauName(b) {
  if (!b) return '';
  return current === 'en' ? (b.name_en || b.name_zh) : (b.name_zh || b.name_en);
}
