// Name pools for the demo's companies, people and hosts. Everything here is fictitious.

export const PROVIDER_NAMES = [
  'Northbridge IT Services',
  'Keystone Managed Services',
  'Bluewater Systems Integration',
];
export const PARENT_NAMES = [
  'Kaminari Precision Industries',
  'Hoshizora Motor Components',
  'Asahigawa Electronics',
];
export const MEXICO_NAMES = [
  'Kaminari Autopartes de México',
  'Hoshizora Manufacturas del Bajío',
  'Asahigawa Electrónica de Querétaro',
];
export const FRANCE_NAMES = [
  'Kaminari Composants France',
  'Hoshizora Équipements Lyon',
  'Asahigawa Systèmes Toulouse',
];

export const FIRST_NAMES: Readonly<Record<string, readonly string[]>> = {
  en: [
    'james',
    'olivia',
    'liam',
    'emma',
    'noah',
    'ava',
    'mason',
    'sophia',
    'ethan',
    'mia',
    'lucas',
    'amelia',
  ],
  ja: ['haruto', 'yui', 'sota', 'hina', 'ren', 'akari', 'yuto', 'mei', 'kaito', 'sakura', 'riku', 'aoi'],
  es: [
    'santiago',
    'valentina',
    'mateo',
    'ximena',
    'diego',
    'camila',
    'emiliano',
    'regina',
    'leonardo',
    'renata',
  ],
  fr: [
    'gabriel',
    'louise',
    'raphael',
    'jade',
    'arthur',
    'emma',
    'hugo',
    'chloe',
    'jules',
    'lea',
    'louis',
    'manon',
  ],
};
export const LAST_NAMES: Readonly<Record<string, readonly string[]>> = {
  en: ['smith', 'walker', 'hughes', 'turner', 'parker', 'collins', 'reed', 'morgan', 'bennett', 'price'],
  ja: [
    'sato',
    'suzuki',
    'takahashi',
    'tanaka',
    'watanabe',
    'ito',
    'yamamoto',
    'nakamura',
    'kobayashi',
    'kato',
  ],
  es: [
    'garcia',
    'hernandez',
    'lopez',
    'martinez',
    'gonzalez',
    'perez',
    'sanchez',
    'ramirez',
    'torres',
    'flores',
  ],
  fr: ['martin', 'bernard', 'dubois', 'thomas', 'robert', 'richard', 'petit', 'durand', 'leroy', 'moreau'],
};

/** Site codes used in host names, per tenant locale. */
export const SITES: Readonly<Record<string, readonly string[]>> = {
  en: ['LON', 'MAN', 'BRS'],
  ja: ['TKY', 'OSK', 'NGY', 'KYT'],
  es: ['QRO', 'MTY', 'GDL'],
  fr: ['PAR', 'LYS', 'TLS'],
};

/** Benign software seen on workstations: image path and a typical command line. */
export const WORKSTATION_APPS: readonly (readonly [string, string])[] = [
  [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer',
  ],
  [
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"',
  ],
  [
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" /dde',
  ],
  [
    'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n',
  ],
  ['C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE'],
  ['C:\\Windows\\System32\\notepad.exe', '"C:\\Windows\\System32\\notepad.exe"'],
  [
    'C:\\Program Files\\Microsoft Teams\\current\\Teams.exe',
    '"C:\\Program Files\\Microsoft Teams\\current\\Teams.exe" --system-initiated',
  ],
  [
    'C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe',
    '"C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe"',
  ],
];

/** Benign domains resolved during the working day. */
export const BENIGN_DOMAINS: readonly string[] = [
  'www.google.com',
  'outlook.office365.com',
  'login.microsoftonline.com',
  'teams.microsoft.com',
  'windowsupdate.microsoft.com',
  'ctldl.windowsupdate.com',
  'www.bing.com',
  'clients2.google.com',
  'acroipm2.adobe.com',
  'settings-win.data.microsoft.com',
];
