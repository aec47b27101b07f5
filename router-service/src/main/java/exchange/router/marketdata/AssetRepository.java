package exchange.router.marketdata;

import java.util.List;

import org.springframework.data.repository.ListCrudRepository;

interface AssetRepository extends ListCrudRepository<AssetRow, String> {

    List<AssetRow> findAllByOrderBySymbol();
}
