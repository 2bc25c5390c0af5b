import { packageBuild } from '../../tsup.base.js';

export default packageBuild([
  '@angular/core',
  '@angular/common',
  '@angular/common/http',
  'rxjs',
  '@expiryproof/core',
]);
